import { describe, expect, it } from "vitest";
import { generateWebhookSecret, signatureHeaders, verifyWebhook, WebhookVerificationError, type VerificationFailure } from "../../src/webhooks/signature.js";

// The verification function receivers are shown in docs/webhooks.md: Standard Webhooks
// signatures over `id.timestamp.body`, a five-minute window, and a replay check by id.

const secret = generateWebhookSecret();
const body = JSON.stringify({ type: "conversation.ended", timestamp: "2026-12-03T09:00:00.000Z", data: { conversationId: "c1", siteId: "demo" } });
const at = 1_796_288_400; // seconds
const headers = signatureHeaders(secret, "msg_1", at, body);

function refusal(run: () => unknown): VerificationFailure | "accepted" {
  try {
    run();
    return "accepted";
  } catch (err) {
    if (err instanceof WebhookVerificationError) return err.code;
    throw err;
  }
}

describe("webhook signature verification", () => {
  it("accepts the signed delivery and returns its payload", () => {
    expect(headers["webhook-signature"]).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(verifyWebhook({ secret, headers, body, nowSeconds: at + 10 })).toMatchObject({ type: "conversation.ended" });
  });

  it("rejects a tampered body, id or timestamp, another secret, and missing headers", () => {
    expect(refusal(() => verifyWebhook({ secret, headers, body: body.replace("demo", "dem0"), nowSeconds: at }))).toBe("bad_signature");
    expect(refusal(() => verifyWebhook({ secret, headers: { ...headers, "webhook-id": "msg_2" }, body, nowSeconds: at }))).toBe("bad_signature");
    expect(refusal(() => verifyWebhook({ secret, headers: { ...headers, "webhook-timestamp": String(at + 1) }, body, nowSeconds: at }))).toBe("bad_signature");
    expect(refusal(() => verifyWebhook({ secret: generateWebhookSecret(), headers, body, nowSeconds: at }))).toBe("bad_signature");
    expect(refusal(() => verifyWebhook({ secret, headers: { ...headers, "webhook-signature": "v2,AAAA" }, body, nowSeconds: at }))).toBe("bad_signature");
    expect(refusal(() => verifyWebhook({ secret, headers: { ...headers, "webhook-signature": undefined }, body, nowSeconds: at }))).toBe("missing_headers");
    expect(refusal(() => verifyWebhook({ secret, headers: { ...headers, "webhook-timestamp": "12.5" }, body, nowSeconds: at }))).toBe("bad_timestamp");
  });

  it("rejects a replay: outside the five-minute window, or an id already seen inside it", () => {
    expect(refusal(() => verifyWebhook({ secret, headers, body, nowSeconds: at + 301 }))).toBe("timestamp_outside_window");
    expect(refusal(() => verifyWebhook({ secret, headers, body, nowSeconds: at - 301 }))).toBe("timestamp_outside_window");
    const seen = new Set<string>();
    const once = () => verifyWebhook({ secret, headers, body, nowSeconds: at, alreadySeen: (id) => seen.has(id) || (seen.add(id), false) });
    expect(refusal(once)).toBe("accepted");
    expect(refusal(once)).toBe("replayed");
  });

  it("accepts any one of several signatures (secret rotation)", () => {
    const old = generateWebhookSecret();
    const both = { ...headers, "webhook-signature": `${signatureHeaders(old, "msg_1", at, body)["webhook-signature"]} ${headers["webhook-signature"]}` };
    expect(refusal(() => verifyWebhook({ secret, headers: both, body, nowSeconds: at }))).toBe("accepted");
    expect(refusal(() => verifyWebhook({ secret: old, headers: both, body, nowSeconds: at }))).toBe("accepted");
  });
});
