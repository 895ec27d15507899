import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { loadMasterKeys } from "../../src/auth/master-keys.js";
import { ConversationKeys } from "../../src/chat/conversation-keys.js";
import { InProcessFanout } from "../../src/chat/fanout.js";
import { ChatService } from "../../src/chat/service.js";
import { loadConfig } from "../../src/config/load.js";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import { frameText } from "../../src/http/ws/frame-text.js";
import { openStorage, type Storage } from "../../src/storage/db.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled } from "../auth/helpers/login.js";
import { runCli } from "../helpers/cli.js";
import { privateRedis, startPrivatePostgres, startServe, type PrivatePostgres, type PrivateRedis, type ServeProcess } from "../helpers/private-services.js";
import { requireServices } from "../helpers/services.js";

// Chat under faults, with real processes: two `airlock serve` processes on loopback sharing a
// PostgreSQL and a Redis of this file's own (so they can be stopped without disturbing other
// tests). Agents' consoles are played by retrying clients: each keeps an outbox of messages with
// client ids, sends one at a time, and re-sends whatever has no chat-ack after an error or a lost
// connection, to whichever server process is alive. No timing is asserted: the faults are
// placed by progress (a share of the messages acknowledged), and every wait is bounded.

const CONVERSATIONS = 200;
const CLIENTS_PER_SERVER = 4;

interface Outgoing {
  readonly conversation: string;
  readonly clientId: string;
  readonly text: string;
}

let dir = "";
let postgres: PrivatePostgres | undefined;
let redis: PrivateRedis | undefined;
const servers: { a?: ServeProcess; b?: ServeProcess } = {};
let env: Record<string, string> = {};
let storage: Storage | undefined;
let vault: KeyVault | undefined;
let agent: HttpAgent | undefined;
let conversations: string[] = [];

/** One console's socket: sends a frame and waits for the ack or error naming its client id, or the close. */
class ChatSocket {
  readonly #waiting = new Map<string, (answer: string) => void>();
  readonly delivered: { conversation: string; text: string }[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.once("close", () => resolve()));
    void this.closed.then(() => {
      for (const settle of this.#waiting.values()) settle("closed");
    });
    ws.on("error", () => undefined);
    ws.on("message", (data) => {
      const f = JSON.parse(frameText(data)) as { kind: string; clientId?: string; ref?: string; code?: string; conversation?: string; text?: string };
      const id = f.kind === "chat-ack" ? f.clientId : f.kind === "chat-error" ? f.ref : undefined;
      if (f.kind === "chat-message") this.delivered.push({ conversation: String(f.conversation), text: String(f.text) });
      if (id !== undefined) this.#waiting.get(id)?.(f.kind === "chat-ack" ? "ack" : String(f.code));
    });
  }

  static async open(server: ServeProcess): Promise<ChatSocket> {
    if (!agent) throw new Error("not signed in");
    const origin = new URL(server.url).origin;
    const r = await agent.json(`${server.url}/api/v1/ws-ticket`, "POST", {}, { origin });
    if (r.status !== 200) throw new Error(`ws-ticket answered ${r.status}`);
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/ws/agent?ticket=${encodeURIComponent(String(r.body.ticket))}`, { origin });
    const socket = new ChatSocket(ws);
    await Promise.race([new Promise((resolve) => ws.once("open", resolve)), socket.closed]);
    if (ws.readyState !== WebSocket.OPEN) throw new Error("agent socket refused");
    return socket;
  }

  /** "ack", the chat-error code, or "closed"; "timeout" after 10 s without an answer. */
  send(frame: { readonly kind: string; readonly clientId: string; readonly [field: string]: unknown }): Promise<string> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => settle("timeout"), 10_000);
      const settle = (answer: string) => {
        clearTimeout(timer);
        this.#waiting.delete(frame.clientId);
        resolve(answer);
      };
      this.#waiting.set(frame.clientId, settle);
      if (this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
      else settle("closed");
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * A retrying console: sends its outbox in order, one message at a time; an ack takes the message
 * out, anything else (an error, a lost connection, no answer) keeps it for the next try, on a
 * fresh connection to a live server process when the old one is gone. Records every ack.
 */
async function retryingClient(outbox: Outgoing[], pick: () => ServeProcess, acked: Map<string, number>, deadline: number): Promise<void> {
  let socket: ChatSocket | undefined;
  const queue = [...outbox];
  while (queue.length > 0) {
    if (Date.now() > deadline) throw new Error(`client gave up with ${queue.length} messages unacknowledged`);
    if (!socket || socket.ws.readyState !== WebSocket.OPEN) {
      socket = await ChatSocket.open(pick()).catch(() => undefined);
      if (!socket) {
        await sleep(50);
        continue;
      }
    }
    const m = queue[0] as Outgoing;
    const answer = await socket.send({ kind: "chat-send", conversation: m.conversation, clientId: m.clientId, text: m.text });
    if (answer === "ack") {
      acked.set(m.clientId, (acked.get(m.clientId) ?? 0) + 1);
      queue.shift();
    } else if (answer !== "closed") {
      await sleep(50); // `internal` (a batch that failed, the database away) or `rate_limited`: try again shortly
    }
  }
  socket?.close();
}

/** The outboxes of the clients: `perConversation` new messages in every conversation, spread over the clients. */
function outboxes(clients: number, perConversation: number, tag: string): Outgoing[][] {
  const boxes: Outgoing[][] = Array.from({ length: clients }, () => []);
  conversations.forEach((conversation, c) => {
    for (let n = 0; n < perConversation; n++) boxes[c % clients]?.push({ conversation, clientId: `${tag}-${c}-${n}-${randomBytes(4).toString("hex")}`, text: `${tag} message ${n} in chat ${c}` });
  });
  return boxes;
}

/** Resolves once `count` distinct messages have been acknowledged (bounded). */
async function progress(acked: Map<string, number>, count: number): Promise<void> {
  for (let i = 0; i < 2_000 && acked.size < count; i++) await sleep(10);
}

/** Every sent message stored exactly once, with the seq its ack named; each conversation's seqs gapless. */
async function expectStoredOnce(sent: readonly Outgoing[], acked: ReadonlyMap<string, number>): Promise<void> {
  if (!storage) throw new Error("no storage");
  const rows = await storage.db.selectFrom("chat_message").select(["conversation_id", "client_id", "seq"]).where("conversation_id", "in", conversations).execute();
  const stored = new Map<string, number>();
  for (const r of rows) stored.set(r.client_id, (stored.get(r.client_id) ?? 0) + 1);
  const lost = sent.filter((m) => acked.has(m.clientId) && !stored.has(m.clientId));
  const duplicated = [...stored].filter(([, n]) => n > 1);
  expect({ lost: lost.length, duplicated: duplicated.length, acknowledged: sent.filter((m) => acked.has(m.clientId)).length }).toEqual({ lost: 0, duplicated: 0, acknowledged: sent.length });
  const byConversation = new Map<string, number[]>();
  for (const r of rows) byConversation.set(r.conversation_id, [...(byConversation.get(r.conversation_id) ?? []), Number(r.seq)]);
  for (const seqs of byConversation.values()) expect(seqs.sort((x, y) => x - y)).toEqual(seqs.map((_, i) => i + 1));
}

async function readiness(server: ServeProcess): Promise<{ status: number; bus?: string }> {
  try {
    const r = await fetch(`${server.url}/readyz`);
    const body = (await r.json()) as { checks?: { bus?: string } };
    return { status: r.status, ...(body.checks?.bus ? { bus: body.checks.bus } : {}) };
  } catch {
    return { status: 0 };
  }
}

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 500; i++) {
    const v = await probe();
    if (done(v)) return v;
    await sleep(20);
  }
  throw new Error(`never: ${what}`);
}

const run = requireServices || process.env.AIRLOCK_TEST_PG_URL ? describe : describe.skip;

run("chat under faults, two airlock serve processes on PostgreSQL and Redis", () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "airlock-chat-faults-"));
    postgres = await startPrivatePostgres(dir);
    redis = await privateRedis(dir);
    await redis.start();
    const databaseUrl = await postgres.createDatabase("airlock");
    const vaultUrl = await postgres.createDatabase("airlock_vault");
    env = { AIRLOCK_DATABASE_URL: databaseUrl, AIRLOCK_KEY_VAULT_URL: vaultUrl, AIRLOCK_REDIS_URL: redis.url, AIRLOCK_MASTER_KEY: `faults-1:${randomBytes(32).toString("base64")}` };
    const migrated = runCli(["migrate", "up"], { ...env, AIRLOCK_DATA_DIR: dir });
    if (migrated.status !== 0) throw new Error(`migrate: ${migrated.stderr}`);
    [servers.a, servers.b] = await Promise.all([startServe(env), startServe(env)]);
    ({ agent } = await signInEnrolled(servers.a));
    const me = await agent.json(`${servers.a.url}/api/v1/me`);
    const agentId = String((me.body.agent as { id?: unknown } | undefined)?.id);

    // The conversations, opened and accepted by this agent through the chat service on the same
    // database, key vault and master key as the server processes.
    const { config } = loadConfig({ ...env, AIRLOCK_DATA_DIR: dir });
    storage = openStorage(databaseUrl);
    vault = await KeyVault.open(vaultUrl);
    const chat = new ChatService(storage, await ConversationKeys.create(loadMasterKeys(config), vault), new InProcessFanout());
    const open = async () => {
      const started = await chat.startChat({ siteId: "demo", visitorId: randomBytes(12).toString("base64url") });
      await chat.accept(agentId, started.id);
      return started.id;
    };
    conversations = [];
    while (conversations.length < CONVERSATIONS) conversations.push(...(await Promise.all(Array.from({ length: 20 }, open))));
  }, 45_000);

  afterAll(async () => {
    await Promise.all([servers.a?.kill("SIGTERM"), servers.b?.kill("SIGTERM")]);
    await vault?.close();
    await storage?.close();
    await redis?.stop();
    postgres?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("SIGKILL of one server process during a 200-conversation chat load: retrying clients lose nothing acknowledged and store nothing twice", async () => {
    const [a, b] = [servers.a, servers.b];
    if (!a || !b) throw new Error("servers missing");
    const boxes = outboxes(2 * CLIENTS_PER_SERVER, 1, "kill");
    const sent = boxes.flat();
    const acked = new Map<string, number>();
    let aAlive = true;
    const deadline = Date.now() + 30_000;
    const clients = boxes.map((box, i) => retryingClient(box, () => (i % 2 === 0 && aAlive ? a : b), acked, deadline));
    await progress(acked, Math.floor(sent.length / 3));
    aAlive = false;
    await a.kill("SIGKILL");
    // A replacement process starts meanwhile, for the tests that follow.
    const replacement = startServe(env);
    await Promise.all(clients);
    await expectStoredOnce(sent, acked);
    servers.a = await replacement;
  }, 45_000);

  it("PostgreSQL restart during chat load: no acknowledged message is lost or stored twice (clients retry)", async () => {
    const [a, b] = [servers.a, servers.b];
    if (!a || !b || !postgres) throw new Error("services missing");
    const boxes = outboxes(2 * CLIENTS_PER_SERVER, 1, "pg");
    const sent = boxes.flat();
    const acked = new Map<string, number>();
    const deadline = Date.now() + 30_000;
    const clients = boxes.map((box, i) => retryingClient(box, () => (i % 2 === 0 ? a : b), acked, deadline));
    await progress(acked, Math.floor(sent.length / 3));
    postgres.restart();
    await Promise.all(clients);
    await expectStoredOnce(sent, acked);
  }, 45_000);

  it("Redis restart: both server processes report not ready while it is away, then recover and carry chat between them again", async () => {
    const [a, b] = [servers.a, servers.b];
    if (!a || !b || !redis) throw new Error("services missing");
    expect((await readiness(a)).status).toBe(200);
    await redis.stop();
    for (const server of [a, b]) expect(await until(() => readiness(server), (r) => r.status === 503, "readyz reports Redis away")).toEqual({ status: 503, bus: "unreachable" });
    await redis.start();
    for (const server of [a, b]) expect(await until(() => readiness(server), (r) => r.status === 200, "readyz ready again")).toEqual({ status: 200, bus: "ok" });

    // A console on A follows a conversation (its resume answers the stored messages once it is
    // subscribed); a message sent on B reaches it through Redis again.
    const [watcher, writer] = [await ChatSocket.open(a), await ChatSocket.open(b)];
    const conversation = conversations[0] ?? "";
    watcher.ws.send(JSON.stringify({ kind: "chat-resume", conversation, afterSeq: 0 }));
    await until(() => Promise.resolve(watcher.delivered.length), (n) => n > 0, "the resume answered");
    const text = "after the Redis restart";
    expect(await writer.send({ kind: "chat-send", conversation, clientId: `redis-${randomBytes(4).toString("hex")}`, text })).toBe("ack");
    await until(() => Promise.resolve(watcher.delivered.some((m) => m.text === text)), Boolean, "the message crossed to the other server process");
    watcher.close();
    writer.close();
  }, 45_000);
});
