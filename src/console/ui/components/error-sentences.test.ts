import { describe, expect, it } from "vitest";
import { AirlockError, type ErrorCode } from "../../../errors.js";
import { byCode, sentenceFor } from "./error-sentences.js";

// Raw server messages (written for logs) must never reach a person; every code gets a sentence.

describe("console error sentences", () => {
  it("turns the chat refusal agents saw raw into a sentence, keeping the code", () => {
    const s = sentenceFor({ code: "forbidden", status: 403, message: "the conversation is not assigned to you" });
    expect(s.code).toBe("forbidden");
    expect(s.sentence).toBe("This chat is not assigned to you, so you cannot do that in it. Ask a supervisor to transfer it to you.");
  });

  it("names the refused action in words when the server says which it was", () => {
    const s = sentenceFor({ code: "forbidden", status: 403, message: "not allowed", details: { action: "keys:manage", rule: "deny-by-default" } });
    expect(s.sentence).toBe("Your role does not allow you to rotate the encryption master key. If you need it, ask an Airlock administrator.");
  });

  it("never shows an unknown message or code: the status decides the sentence", () => {
    for (const [status, code] of [[400, "some_new_code"], [403, "brand_new_refusal"], [409, "x"], [500, "db_gone"], [502, "upstream"]] as const) {
      const s = sentenceFor({ code, status, message: "raw server text <b>here</b>" });
      expect(s.sentence).not.toContain("raw server text");
      expect(s.sentence).not.toContain(code);
      expect(s.sentence).toMatch(/^[A-Z].*\.$/);
    }
  });

  it("gives every code a full sentence that does not repeat the code", () => {
    const codes = ["bad_request", "invalid_body", "unauthenticated", "forbidden", "not_found", "conflict", "rate_limited", "internal", "network", "bad_response", "not_allowed", "too_many_messages"];
    for (const code of codes) {
      const s = sentenceFor({ code, message: "raw" });
      expect(s.sentence).toMatch(/^[A-Z][^]*[.!]$/);
      expect(s.sentence).not.toContain(code);
    }
  });

  it("has a sentence for every error code the server can answer", () => {
    // Codes only frames carry: co-browse `error` frames (the viewer's console/viewer/refusal-text.ts)
    // and chat refusals (their own sentences above).
    type FrameCode = "not_allowed" | "too_many_conversations" | "too_many_messages" | "note_too_long" | "agent_away" | "agent_unavailable" | "chat_closed" | "unknown_team" | "not_in_team" | "file_too_large" | "file_type_refused" | "file_infected" | "scanner_unavailable" | "upload_unexpected" | "already_rated" | "not_ended" | "bad_json" | "bad_frame" | "frame_too_large" | "unsupported_version" | "too_many_visits" | "too_many_nodes" | "too_deep" | "too_many_ops" | "too_many_strokes"
      | "value_too_long" | "unknown_node" | "node_masked" | "masked_value" | "bad_image" | "no_consent" | "ask_paused" | "wrong_mode" | "wrong_state" | "session_ended" | "session_moving"
      | "page_too_large" | "too_many_queries" | "identity_invalid" | "identity_expired" | "identity_replayed";
    const serverCodes: Record<Exclude<ErrorCode, FrameCode>, true> = {
      bad_request: true, request_timeout: true, headers_too_large: true, invalid_body: true, payload_too_large: true, unsupported_media_type: true,
      unauthenticated: true, forbidden: true, origin_not_allowed: true, not_found: true, method_not_allowed: true, not_implemented: true,
      conflict: true, rate_limited: true, too_many_connections: true, not_ready: true, shutting_down: true, asset_signature_invalid: true,
      asset_url_expired: true, asset_room_ended: true, asset_origin_refused: true, asset_address_refused: true, asset_type_refused: true,
      asset_too_large: true, asset_upstream_failed: true, asset_timeout: true, internal: true, account_deactivated: true,
    };
    for (const code of Object.keys(serverCodes) as ErrorCode[]) {
      expect(byCode[code], code).toMatch(/^[A-Z].*\.$/);
      expect(new AirlockError(code, "x").code).toBe(code);
    }
  });

  it("tells how long a locked second factor stays locked", () => {
    expect(sentenceFor({ code: "rate_limited", status: 429, details: { reason: "mfa_locked", retryAfterSeconds: 300 } }).sentence).toContain("5 minutes");
  });
});
