import { describe, expect, it } from "vitest";
import { agentMessage } from "./agent-messages.js";
import { parseFrame } from "./frame.js";
import { containsMaskPlaceholder, MASK_PLACEHOLDER } from "./mask.js";
import { visitorMessage } from "./visitor-messages.js";

// Hostile shapes of the control frames this protocol version added fields to.

describe("control frames", () => {
  it("takes a control-refused with or without the refused event's type, refuses any other type or reason", () => {
    const ok = (f: unknown) => parseFrame(JSON.stringify(f), visitorMessage).ok;
    expect(ok({ kind: "control-refused", id: 5, reason: "masked_value", type: "input" })).toBe(true);
    expect(ok({ kind: "control-refused", id: 5, reason: "not_editable" })).toBe(true);
    for (const bad of [
      { kind: "control-refused", id: 5, reason: "masked_value", type: "drag" },
      { kind: "control-refused", id: 5, reason: "masked_value", type: 1 },
      { kind: "control-refused", id: 5, reason: "because", type: "input" },
      { kind: "control-refused", id: 5, reason: "masked_value", type: "input", value: "Dana" },
    ]) {
      expect(parseFrame(JSON.stringify(bad), visitorMessage)).toMatchObject({ ok: false, code: "bad_frame" });
    }
  });

  it("parses an agent's typed value carrying the placeholder (the relay's masked-value check refuses it)", () => {
    const frame = parseFrame(JSON.stringify({ kind: "control", event: { type: "input", id: 3, value: `${MASK_PLACEHOLDER.repeat(4)}!` } }), agentMessage);
    expect(frame.ok).toBe(true);
    expect(containsMaskPlaceholder(`a${MASK_PLACEHOLDER}b`)).toBe(true);
    expect(containsMaskPlaceholder("a*b")).toBe(false);
  });
});
