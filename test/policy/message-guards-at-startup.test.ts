import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { agentChatActions, visitorChatActions } from "../../src/chat/message-actions.js";
import { AGENT_KINDS } from "../../src/protocol/agent-messages.js";
import { AGENT_CHAT_KINDS, VISITOR_CHAT_KINDS } from "../../src/protocol/chat-messages.js";
import { VISITOR_KINDS } from "../../src/protocol/visitor-messages.js";
import { agentActions, visitorActions } from "../../src/relay/message-table.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

// The sockets' message guards are one object the composition root builds at start from both
// tables — the relay's co-browse kinds and chat's chat and presence kinds — not a registry that
// whichever module is imported last overwrites.

describe("message guards after startup", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it("the visitor socket guards every co-browse kind with the relay's action and every chat kind with chat's", () => {
    const guards = server.services.messageGuards;
    for (const kind of VISITOR_KINDS) expect(guards.actionFor("visitor", kind), kind).toBe(visitorActions[kind]);
    for (const kind of VISITOR_CHAT_KINDS) expect(guards.actionFor("visitor", kind), kind).toBe(kind in visitorActions ? visitorActions[kind as keyof typeof visitorActions] : visitorChatActions[kind]);
    expect(guards.tables.visitor.kinds).toEqual([...VISITOR_KINDS, ...VISITOR_CHAT_KINDS]);
  });

  it("the agent socket guards every co-browse kind with the relay's action and every chat kind with chat's", () => {
    const guards = server.services.messageGuards;
    for (const kind of AGENT_KINDS) expect(guards.actionFor("agent", kind), kind).toBe(agentActions[kind]);
    for (const kind of AGENT_CHAT_KINDS) expect(guards.actionFor("agent", kind), kind).toBe(agentChatActions[kind]);
    expect(guards.tables.agent.kinds).toEqual([...AGENT_KINDS, ...AGENT_CHAT_KINDS]);
  });

  it("a kind neither table names is unguarded on both sides", () => {
    const guards = server.services.messageGuards;
    expect(guards.actionFor("visitor", "made-up-kind")).toBeUndefined();
    expect(guards.actionFor("agent", "made-up-kind")).toBeUndefined();
  });
});
