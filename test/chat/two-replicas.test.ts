import { randomUUID } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Bus } from "../../src/bus/bus.js";
import { RedisBus } from "../../src/bus/redis-bus.js";
import { AgentChatConnection } from "../../src/chat/agent-connection.js";
import { BusFanout } from "../../src/chat/bus-fanout.js";
import { ClusterOnlineAgents } from "../../src/chat/cluster-online-agents.js";
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
import { migrateUp } from "../../src/storage/migrate.js";
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
    const agent = new AgentChatConnection(b.chat, b.presence, b.visitors, b.online, policy, g, { agentId, roles: ["agent"], mfa: true, sourceAddress: "127.0.0.1" });
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
    const auditor = new AgentChatConnection(f.chat, presence, new VisitorDirectory(), new OnlineAgents(), policy, s, { agentId: randomUUID(), roles: ["auditor"], mfa: true, sourceAddress: "127.0.0.1" });
    await auditor.handle(JSON.stringify({ kind: "chat-accept", conversation: c.id }));
    await auditor.handle(JSON.stringify({ kind: "chat-resume", conversation: c.id, afterSeq: 0 }));
    expect(s.frames.map((x) => (x.kind === "chat-error" ? x.code : x.kind))).toEqual(["forbidden", "forbidden"]);

    // an agent who is not assigned cannot read the conversation either
    const other = sink();
    const stranger = new AgentChatConnection(f.chat, presence, new VisitorDirectory(), new OnlineAgents(), policy, other, { agentId: randomUUID(), roles: ["agent"], mfa: true, sourceAddress: "127.0.0.1" });
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

describe("agents online across replicas sharing Redis", () => {
  it.skipIf(!redisUrl)("the offline form is offered only when no replica has an agent online; a silent replica drops out", async () => {
    if (!redisUrl) return;
    let now = 1_000_000;
    const busA = await RedisBus.connect(redisUrl, createLogger("silent"));
    const busB = await RedisBus.connect(redisUrl, createLogger("silent"));
    const a = await ClusterOnlineAgents.start(busA, { now: () => now, heartbeatMs: 60_000 });
    const b = await ClusterOnlineAgents.start(busB, { now: () => now, heartbeatMs: 60_000 });
    const f = await chatFixture(openStorage(`sqlite:${path.join(mkdtempSync(path.join(tmpdir(), "airlock-online-")), "a.db")}`));
    await migrateUp(f.chat.storage);
    const site = "demo";
    const v = sink();
    // the visitor is on replica A; availability is what the widget is told on each page view
    const visitor = new VisitorChatConnection(f.chat, new PresenceRegistry(), policy, v, { siteId: site, visitorId: visitId(), origin: DEMO_ORIGIN }, () => a.count(site) > 0);
    const available = async () => {
      v.frames.length = 0;
      await visitor.handle(JSON.stringify({ kind: "presence", url: "https://shop.example/", title: "Shop", referrer: "" }));
      const f = v.frames.find((x) => x.kind === "chat-availability");
      return f?.kind === "chat-availability" ? f.available : undefined;
    };
    const eventually = async (expected: boolean) => {
      for (let i = 0; i < 200 && (await available()) !== expected; i++) await new Promise((r) => setTimeout(r, 10));
      expect(await available()).toBe(expected);
    };
    try {
      await eventually(false);
      // an agent's console watches the site on replica B
      const release = b.watch(site, "agent-on-b");
      await eventually(true);
      expect(a.agents(site)).toEqual(["agent-on-b"]);
      release();
      await eventually(false);

      // a replica that announced an agent and then died without a word drops out after three heartbeats
      busB.publish("airlock:chat:agents-online", JSON.stringify({ replica: "crashed-replica", sites: { [site]: ["agent-x"] } }));
      await eventually(true);
      now += 3 * 60_000 + 1;
      await eventually(false);
      // garbage on the channel is ignored
      busB.publish("airlock:chat:agents-online", "{not json");
      busB.publish("airlock:chat:agents-online", JSON.stringify({ replica: "x", sites: "all" }));
      await eventually(false);
    } finally {
      a.close();
      b.close();
      await busA.close();
      await busB.close();
      await f.vault.close();
      await f.chat.storage.close();
    }
  });
});
