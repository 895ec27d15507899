import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { AgentChatConnection } from "../../src/chat/agent-connection.js";
import { OnlineAgents } from "../../src/chat/online-agents.js";
import { VisitorDirectory } from "../../src/chat/visitor-directory.js";
import { PolicyEngine } from "../../src/policy/engine.js";
import { shippedPolicyDir } from "../../src/policy/load.js";
import { PresenceRegistry } from "../../src/presence/registry.js";
import { openChatDatabase } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";

// An agent's socket re-attaches its active chats when it opens (AgentChatConnection.start), and
// nothing awaits that: a rejection there would be unhandled, which ends a Node process. When
// storage fails at that moment, the console is told instead, and the connection stays usable.
describeEachDialect("agent chat re-attach when storage fails", (fx) => {
  it("answers a chat-error frame instead of rejecting", async () => {
    const db = await openChatDatabase(fx);
    const sent: string[] = [];
    const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
    const conn = new AgentChatConnection(db.fixture.chat, new PresenceRegistry(), new VisitorDirectory(), new OnlineAgents(), policy, { send: (f) => sent.push(f) }, {
      agentId: randomUUID(),
      roles: ["agent"],
      mfa: true,
    });
    await db.storage.close();
    try {
      await expect(conn.start()).resolves.toBeUndefined();
      expect(sent.map((f) => JSON.parse(f) as unknown)).toEqual([{ kind: "chat-error", code: "internal", message: "internal error" }]);
    } finally {
      conn.close();
      await db.fixture.vault.close();
    }
  });
});
