import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { Bus } from "../../src/bus/bus.js";
import { RedisBus } from "../../src/bus/redis-bus.js";
import { AgentChatConnection } from "../../src/chat/agent-connection.js";
import { BusFanout } from "../../src/chat/bus-fanout.js";
import { ConversationKeys } from "../../src/chat/conversation-keys.js";
import { OnlineAgents } from "../../src/chat/online-agents.js";
import { ChatService } from "../../src/chat/service.js";
import { VisitorChatConnection } from "../../src/chat/visitor-connection.js";
import { VisitorDirectory } from "../../src/chat/visitor-directory.js";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import { loadMasterKeys } from "../../src/auth/master-keys.js";
import { createLogger } from "../../src/ops/log.js";
import { PolicyEngine } from "../../src/policy/engine.js";
import { shippedPolicyDir } from "../../src/policy/load.js";
import { PresenceRegistry } from "../../src/presence/registry.js";
import type { ChatServerFrame } from "../../src/protocol/chat-frames.js";
import { openStorage, type Storage } from "../../src/storage/db.js";
import { beforeAll, describeEachDialect } from "../helpers/dialects.js";
import { serviceUrl } from "../helpers/services.js";
import { chatFixture, vaultUrlFor, clientId, visitId } from "./chat-fixture.js";
import { DEMO_ORIGIN } from "./socket-harness.js";

const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");
const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });

/** A sink that records frames and can wait for one. */
function sink() {
  const frames: ChatServerFrame[] = [];
  return {
    frames,
    send: (f: string) => void frames.push(JSON.parse(f) as ChatServerFrame),
    async until(test: (f: ChatServerFrame) => boolean): Promise<ChatServerFrame> {
      for (let i = 0; i < 500; i++) {
        const hit = frames.find(test);
        if (hit) return hit;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error(`frame not seen; got ${frames.map((f) => f.kind).join(",")}`);
    },
  };
}

describeEachDialect("chat across two replicas sharing the database and a Redis bus", (fx) => {
  const opened: { storage: Storage; bus: Bus; vault: KeyVault }[] = [];
  let replicas: { chat: ChatService; presence: PresenceRegistry; visitors: VisitorDirectory; online: OnlineAgents }[] = [];
  beforeAll(async () => {
    if (!redisUrl) return;
    const url = await fx.freshUrl();
    const first = openStorage(url);
    const { migrateUp } = await import("../../src/storage/migrate.js");
    await migrateUp(first);
    const shared = await chatFixture(first, { vaultUrl: await vaultUrlFor(fx) }); // one key file and one key vault for both replicas
    await shared.vault.close();
    for (const storage of [first, openStorage(url)]) {
      const bus = await RedisBus.connect(redisUrl, createLogger("silent"));
      const vault = await KeyVault.open(shared.config.keyVaultUrl);
      opened.push({ storage, bus, vault });
      const keys = await ConversationKeys.create(loadMasterKeys(shared.config), vault);
      replicas.push({ chat: new ChatService(storage, keys, new BusFanout(bus)), presence: new PresenceRegistry(), visitors: new VisitorDirectory(), online: new OnlineAgents() });
    }
    return async () => {
      for (const o of opened) {
        await o.bus.close();
        await o.vault.close();
        await o.storage.close();
      }
      replicas = [];
    };
  });

  it.skipIf(!redisUrl)("a visitor on one replica and an agent on the other exchange messages and typing", async () => {
    const [a, b] = replicas;
    if (!a || !b) throw new Error("replicas missing");
    const v = sink();
    const visitor = new VisitorChatConnection(a.chat, a.presence, policy, v, { siteId: "demo", visitorId: visitId(), origin: DEMO_ORIGIN });
    const g = sink();
    const agentId = randomUUID();
    const agent = new AgentChatConnection(b.chat, b.presence, b.visitors, b.online, policy, g, { agentId, roles: ["agent"], sourceAddress: "127.0.0.1" });
    await agent.handle(JSON.stringify({ kind: "watch-site", site: "demo" }));

    await visitor.handle(JSON.stringify({ kind: "chat-start" }));
    const started = await v.until((f) => f.kind === "chat-conversation" && f.change === "started");
    const conversation = started.kind === "chat-conversation" ? started.conversation : "";
    await g.until((f) => f.kind === "chat-conversation" && f.change === "queued" && f.conversation === conversation);
    await agent.handle(JSON.stringify({ kind: "chat-accept", conversation }));
    await v.until((f) => f.kind === "chat-conversation" && f.change === "accepted");

    await visitor.handle(JSON.stringify({ kind: "chat-send", conversation, clientId: clientId(), text: "from replica A" }));
    await g.until((f) => f.kind === "chat-message" && f.text === "from replica A");
    await agent.handle(JSON.stringify({ kind: "chat-send", conversation, clientId: clientId(), text: "from replica B" }));
    await v.until((f) => f.kind === "chat-message" && f.text === "from replica B");
    await visitor.handle(JSON.stringify({ kind: "chat-typing", conversation, typing: true }));
    await g.until((f) => f.kind === "chat-typing" && f.from === "visitor" && f.typing);
    // each side received each message once
    expect(g.frames.filter((f) => f.kind === "chat-message" && f.text === "from replica A")).toHaveLength(1);
    expect(v.frames.filter((f) => f.kind === "chat-message" && f.text === "from replica B")).toHaveLength(1);
    visitor.close();
    agent.close();
  });
});

describeEachDialect("chat message kinds ask the policy engine", (fx) => {
  let f: Awaited<ReturnType<typeof chatFixture>>;
  beforeAll(async () => {
    f = await chatFixture(await fx.open());
    return () => f.vault.close();
  });

  it("an auditor's console cannot accept or read chats; a visitor from an unregistered origin cannot chat", async () => {
    const presence = new PresenceRegistry();
    const c = await f.chat.startChat({ siteId: "demo", visitorId: visitId() });
    const s = sink();
    const auditor = new AgentChatConnection(f.chat, presence, new VisitorDirectory(), new OnlineAgents(), policy, s, { agentId: randomUUID(), roles: ["auditor"], sourceAddress: "127.0.0.1" });
    await auditor.handle(JSON.stringify({ kind: "chat-accept", conversation: c.id }));
    await auditor.handle(JSON.stringify({ kind: "chat-resume", conversation: c.id, afterSeq: 0 }));
    expect(s.frames.map((x) => (x.kind === "chat-error" ? x.code : x.kind))).toEqual(["forbidden", "forbidden"]);

    // an agent who is not assigned cannot read the conversation either
    const other = sink();
    const stranger = new AgentChatConnection(f.chat, presence, new VisitorDirectory(), new OnlineAgents(), policy, other, { agentId: randomUUID(), roles: ["agent"], sourceAddress: "127.0.0.1" });
    await stranger.handle(JSON.stringify({ kind: "chat-resume", conversation: c.id, afterSeq: 0 }));
    expect(other.frames.map((x) => (x.kind === "chat-error" ? x.code : x.kind))).toEqual(["forbidden"]);

    const vs = sink();
    const visitor = new VisitorChatConnection(f.chat, presence, policy, vs, { siteId: "demo", visitorId: visitId(), origin: "https://evil.test" });
    await visitor.handle(JSON.stringify({ kind: "chat-start" }));
    await visitor.handle("not json");
    await visitor.handle(JSON.stringify({ kind: "chat-send", conversation: c.id, clientId: "x", text: "hi" }));
    expect(vs.frames.map((x) => (x.kind === "chat-error" ? x.code : x.kind))).toEqual(["not_allowed", "bad_json", "bad_frame"]);
  });
});
