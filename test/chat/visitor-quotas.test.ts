import Database from "better-sqlite3";
import path from "node:path";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { startIdentityServer } from "../auth/helpers/login.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import { DEMO_ORIGIN, DEMO_SITE_KEY, WsClient, wsUrl } from "../relay/ws-client.js";
import { agentSocket, chatError, waitFor } from "./live-chat-sockets.js";

// Finding: "nothing bounds what a visitor can store or queue". One visit opened 50 conversations
// (50 vault keys); a burst of 300 messages stored 277; twenty more visits from the same client
// were accepted; a visitor socket that kept sending after its burst was never closed (one refilled
// token reset the refusal count), while the agent socket was. Each limit is now a setting; these
// run a real Airlock with small values, on SQLite and on PostgreSQL.

const LIMITS = {
  AIRLOCK_CHAT_OPEN_CONVERSATIONS_PER_VISIT: "2",
  AIRLOCK_CHAT_MESSAGES_PER_MINUTE_PER_VISIT: "5",
  AIRLOCK_VISITS_PER_CLIENT_PER_MINUTE: "3",
  AIRLOCK_WS_OFFENCE_LIMIT: "20",
  AIRLOCK_WS_OFFENCE_WINDOW_SECONDS: "3600",
};

/** A visitor socket as a proxy in front of Airlock forwards it: loopback is a trusted proxy in the shipped policy. */
async function helloVia(server: TestServer, forwardedFor: string): Promise<WsClient> {
  const client = new WsClient(new WebSocket(wsUrl(server, "/ws/visitor"), { origin: DEMO_ORIGIN, headers: { "x-forwarded-for": forwardedFor } }));
  await new Promise<void>((resolve, reject) => {
    client.ws.once("open", () => resolve());
    client.ws.once("error", reject);
  });
  client.send({ kind: "hello", versions: [1], siteKey: DEMO_SITE_KEY, url: `${DEMO_ORIGIN}/demo`, viewport: { width: 1200, height: 800 } });
  await Promise.race([client.next("welcome"), client.next("error")]);
  return client;
}

describeEachDialect("visitor quotas (finding: nothing bounded what a visitor could store or queue)", (fx) => {
  let server: TestServer;
  const sockets: WsClient[] = [];
  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl(), ...LIMITS });
  }, 60_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
  });

  // Each visit from its own client address, so only the test about visits per address meets that quota.
  let addresses = 0;
  async function visitor() {
    const client = await helloVia(server, `192.0.2.${++addresses}`);
    sockets.push(client);
    return { client, visit: String(client.frames.find((f) => f.kind === "welcome")?.visit) };
  }

  const rowsOf = async (visit: string) =>
    (await server.services.storage.db.selectFrom("chat_conversation").select(["id", "state"]).where("visitor_id", "=", visit).execute()).map((r) => r.id);
  const vaultKeys = (ids: readonly string[]) => {
    const vault = new Database(path.join(server.config.dataDir, "keyvault.db"), { readonly: true });
    try {
      return ids.length === 0 ? 0 : (vault.prepare(`SELECT count(*) AS n FROM vault_data_key WHERE conversation_id IN (${ids.map(() => "?").join(",")})`).get(...ids) as { n: number }).n;
    } finally {
      vault.close();
    }
  };

  it("open conversations per visit: one more chat-start or offline message is refused too_many_conversations, with no row and no data key", async () => {
    const v = await visitor();
    for (let i = 0; i < 2; i++) {
      const since = v.client.frames.length;
      v.client.send({ kind: "chat-start" });
      await waitFor(v.client, (f) => v.client.frames.indexOf(f) >= since && f.kind === "chat-conversation" && f.change === "started", "started");
    }
    const before = await rowsOf(v.visit);
    let since = v.client.frames.length;
    v.client.send({ kind: "chat-start" });
    expect((await chatError(v.client, "chat-start", since)).code).toBe("too_many_conversations");
    since = v.client.frames.length;
    v.client.send({ kind: "chat-offline", clientId: "offline-over-quota", name: "A", email: "a@example.test", text: "call me" });
    expect((await chatError(v.client, "offline-over-quota", since)).code).toBe("too_many_conversations");
    const after = await rowsOf(v.visit);
    expect(after.sort()).toEqual(before.sort());
    expect(vaultKeys(after)).toBe(2);

    // An ended conversation no longer counts.
    v.client.send({ kind: "chat-end", conversation: after[0] });
    await waitFor(v.client, (f) => f.kind === "chat-conversation" && f.change === "ended", "ended");
    since = v.client.frames.length;
    v.client.send({ kind: "chat-start" });
    await waitFor(v.client, (f) => v.client.frames.indexOf(f) >= since && f.kind === "chat-conversation" && f.change === "started", "started after an end");
  });

  it("messages per minute per visit: a burst stores exactly the limit, the rest are refused too_many_messages", async () => {
    const v = await visitor();
    v.client.send({ kind: "chat-start" });
    const started = await waitFor(v.client, (f) => f.kind === "chat-conversation" && f.change === "started", "started");
    const conversation = String(started.conversation);
    const ids = Array.from({ length: 12 }, (_, i) => `burst-${String(i).padStart(4, "0")}`);
    for (const clientId of ids) v.client.send({ kind: "chat-send", conversation, clientId, text: `message ${clientId}` });
    const answers = await Promise.all(ids.map((id) => waitFor(v.client, (f) => (f.kind === "chat-ack" || f.kind === "chat-error") && (f.clientId === id || f.ref === id), id)));
    expect(answers.filter((f) => f.kind === "chat-ack")).toHaveLength(5);
    expect(answers.filter((f) => f.kind === "chat-error").map((f) => f.code)).toEqual(Array(7).fill("too_many_messages"));
    const stored = await server.services.storage.db.selectFrom("chat_message").select("seq").where("conversation_id", "=", conversation).execute();
    expect(stored).toHaveLength(5);
    // A retry of a stored message (same client id) is answered from its first copy, not refused.
    const retry = ids[0] ?? "";
    const since = v.client.frames.length;
    v.client.send({ kind: "chat-send", conversation, clientId: retry, text: `message ${retry}` });
    expect(await waitFor(v.client, (f) => v.client.frames.indexOf(f) >= since && (f.clientId === retry || f.ref === retry), "retry")).toMatchObject({ kind: "chat-ack", seq: 1 });
  });

  it("visits per client address through trusted proxies: the fourth new visit is refused too_many_visits and closed 4429; others and resumes go on", async () => {
    const client = "203.0.113.7";
    const admitted: WsClient[] = [];
    for (let i = 0; i < 3; i++) {
      // Whatever a client puts left of the proxy's entry does not make it someone else.
      const c = await helloVia(server, `198.18.${i}.1, ${client}`);
      sockets.push(c);
      expect(c.frames[0]?.kind).toBe("welcome");
      admitted.push(c);
    }
    const refused = await helloVia(server, `10.9.9.9, ${client}`);
    expect(refused.frames.find((f) => f.kind === "error")).toMatchObject({ code: "too_many_visits" });
    expect(await refused.closed).toEqual({ code: 4429, reason: "too_many_visits" });
    // Logged as an expected, client-caused refusal: its code, never the client's address.
    expect(server.logText()).toContain("too_many_visits");
    expect(server.logText()).not.toContain(client);

    const other = await helloVia(server, "203.0.113.8");
    sockets.push(other);
    expect(other.frames[0]?.kind).toBe("welcome");

    // The next page of an admitted visit resumes it: not a new visit.
    const token = String(admitted[0]?.frames[0]?.resumeToken);
    const next = new WsClient(new WebSocket(wsUrl(server, "/ws/visitor"), { origin: DEMO_ORIGIN, headers: { "x-forwarded-for": client } }));
    sockets.push(next);
    await new Promise<void>((resolve) => next.ws.once("open", () => resolve()));
    next.send({ kind: "resume", versions: [1], resumeToken: token, url: `${DEMO_ORIGIN}/demo/next`, viewport: { width: 1200, height: 800 } });
    expect((await next.next("welcome")).visit).toBe(admitted[0]?.frames[0]?.visit);
  });

  it("a visitor that keeps sending past its quota is closed with 4429, however it paces itself", async () => {
    const v = await visitor();
    v.client.send({ kind: "chat-start" });
    const started = await waitFor(v.client, (f) => f.kind === "chat-conversation" && f.change === "started", "started");
    // One message at a time, each after its answer: far below the socket's rate, so tokens refill
    // between them; only the quota refuses, and every refusal counts.
    let closed = false;
    void v.client.closed.then(() => (closed = true));
    for (let i = 0; i < 60 && !closed; i++) {
      const clientId = `paced-${String(i).padStart(4, "0")}`;
      v.client.send({ kind: "chat-send", conversation: String(started.conversation), clientId, text: "again" });
      await Promise.race([waitFor(v.client, (f) => f.clientId === clientId || f.ref === clientId, clientId), v.client.closed]);
    }
    expect(await v.client.closed).toEqual({ code: 4429, reason: "rate_limited" });
    // Twenty refusals were tolerated; the twenty-first closed the socket.
    expect(v.client.frames.filter((f) => f.kind === "chat-error" && f.code === "too_many_messages")).toHaveLength(21);
    expect(v.client.frames.filter((f) => f.kind === "chat-ack")).toHaveLength(5);
  });

  it("a visitor flooding in bursts, with pauses that refill tokens, is closed with 4429 like an agent", async () => {
    const v = await visitor();
    const agent = await agentSocket(server, "agent");
    sockets.push(agent);
    for (const socket of [v.client, agent]) {
      let closed = false;
      void socket.closed.then(() => (closed = true));
      for (let round = 0; round < 50 && !closed; round++) {
        // Each round is answered in full before the pause, so every round starts with refilled tokens.
        const answered = socket.frames.length + 300;
        for (let i = 0; i < 300; i++) socket.send({ kind: "flood" });
        for (let waited = 0; socket.frames.length < answered && !closed && waited < 2_000; waited++) await new Promise((r) => setTimeout(r, 5));
        await new Promise((r) => setTimeout(r, 100)); // tokens refill; the offences stay
      }
      expect(await socket.closed).toEqual({ code: 4429, reason: "rate_limited" });
    }
  });
});

describe("quota settings are validated at start", () => {
  it.each([
    ["AIRLOCK_CHAT_OPEN_CONVERSATIONS_PER_VISIT", "0"],
    ["AIRLOCK_CHAT_MESSAGES_PER_MINUTE_PER_VISIT", "many"],
    ["AIRLOCK_VISITS_PER_CLIENT_PER_MINUTE", "-1"],
    ["AIRLOCK_WS_OFFENCE_LIMIT", "1.5"],
    ["AIRLOCK_WS_OFFENCE_WINDOW_SECONDS", "0"],
  ])("%s=%s is refused, naming the setting", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });

  it("the defaults bound the attack run's numbers", () => {
    const { config } = loadConfig({});
    expect(config.chatOpenConversationsPerVisit).toBeLessThan(50);
    expect(config.chatMessagesPerMinutePerVisit).toBeLessThan(277);
    expect(config.visitsPerClientPerMinute).toBeLessThan(20);
  });
});
