import { describe, expect, it } from "vitest";
import { agentFrameChecks, visitorFrameChecks } from "./frame-checks.js";
import { agentChatActions, visitorChatActions } from "./message-actions.js";
import { agentChatMessage, visitorChatMessage } from "../protocol/chat-messages.js";

// Finding: "chat-typing has no participant check". Every chat frame kind now passes one
// authorization (src/chat/authorize-frame.ts) driven by one table (src/chat/frame-checks.ts).
// This enumerates the protocol's schemas: a new kind without a check, or a kind that names a
// conversation but is checked as if it named none, fails here (and in the type checker).

const CONVERSATION_CHECKS = ["takes-part", "waiting", "handles", "open"];

const sides = [
  { side: "visitor", schema: visitorChatMessage, checks: visitorFrameChecks as Readonly<Record<string, string>>, actions: visitorChatActions as Readonly<Record<string, string>> },
  { side: "agent", schema: agentChatMessage, checks: agentFrameChecks as Readonly<Record<string, string>>, actions: agentChatActions as Readonly<Record<string, string>> },
] as const;

describe.each(sides)("chat frame checks, $side side", ({ schema, checks, actions }) => {
  const kinds = schema.options.map((o) => ({ kind: o.shape.kind.value, fields: Object.keys(o.shape) }));

  it("every kind of the protocol has exactly one check and one policy action", () => {
    expect(Object.keys(checks).sort()).toEqual(kinds.map((k) => k.kind).sort());
    expect(Object.keys(actions).sort()).toEqual(kinds.map((k) => k.kind).sort());
  });

  it.each(kinds)("$kind: a kind that names a conversation proves participation in it", ({ kind, fields }) => {
    const check = checks[kind];
    if (fields.includes("conversation")) expect(CONVERSATION_CHECKS, `${kind} names a conversation`).toContain(check);
    else expect(["none", "own-invite"], `${kind} names no conversation`).toContain(check);
    if (fields.includes("invite")) expect(check, `${kind} answers an invitation`).toBe("own-invite");
  });

  it("typing proves participation like sending does", () => {
    expect(checks["chat-typing"]).toBe("takes-part");
    expect(checks["chat-typing"]).toBe(checks["chat-send"]);
  });
});
