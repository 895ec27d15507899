import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { loadMasterKeys } from "../auth/master-keys.js";
import { openStorage, type DialectName } from "../storage/db.js";
import { migrateUp } from "../storage/migrate.js";
import { KeyVault } from "../crypto/vault/key-vault.js";
import { ConversationKeys } from "../chat/conversation-keys.js";
import { InProcessFanout, topics } from "../chat/fanout.js";
import { ChatService, type ChatActor } from "../chat/service.js";
import { rawInsertsPerSecond } from "./chat-baseline.js";

export interface ChatBenchOptions {
  /** Messages to send in total (bounded). */
  readonly messages: number;
  /** Conversations the messages are spread over, each with a visitor and an agent. */
  readonly conversations: number;
  /** Messages in flight at once. */
  readonly concurrency: number;
  /** Stop early after this long, whatever has been sent by then counts. */
  readonly maxSeconds: number;
  /** Most messages per transaction (group commit); 1 stores each message in its own transaction, for comparison. */
  readonly maxBatch?: number;
}

export interface ChatBenchResult {
  readonly dialect: DialectName;
  readonly messages: number;
  readonly seconds: number;
  /** Messages stored (committed, encrypted) and delivered to the other side, per second. */
  readonly msgsPerSecond: number;
  /** From send() to the recipient's listener, after commit. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Process CPU time per message (user + system): steadier than wall time on a busy machine. */
  readonly cpuUsPerMessage: number;
  /** The same-run yardstick: the raw driver's single-row insert transactions per second on this database (chat-baseline.ts). */
  readonly rawInsertTxnsPerSecond: number;
  /** msgsPerSecond / rawInsertTxnsPerSecond: the figure to track, steadier than either rate alone. */
  readonly vsRawInserts: number;
}

/**
 * Drives the chat service as live traffic does: visitors and agents alternate, every message is
 * cleaned, sealed under its conversation key, stored with its sequence number and delivered to
 * the other participant after commit. Loopback/in-process only; bounded by count and time.
 */
export async function runChatBench(databaseUrl: string, options: ChatBenchOptions): Promise<ChatBenchResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-bench-chat-"));
  const dialect = databaseUrl.startsWith("sqlite:") ? "sqlite" : "postgres";
  const rawBefore = await rawInsertsPerSecond(dialect, databaseUrl, BASELINE_SECONDS);
  const storage = openStorage(databaseUrl, { poolSize: Math.max(4, options.concurrency) });
  let vault: KeyVault | undefined;
  try {
    const outcome = await migrateUp(storage);
    if (!outcome.ok) throw new Error(`migration failed: ${outcome.error}`);
    const keyFile = path.join(dir, "master.keys");
    writeFileSync(keyFile, `bench:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
    const ring = loadMasterKeys({ masterKeyFile: keyFile, mode: "dev", dataDir: dir } as Parameters<typeof loadMasterKeys>[0]);
    // The vault is read only when a conversation starts or its key is not cached, so a local
    // SQLite vault serves both dialects' runs without changing what is measured.
    vault = await KeyVault.open(`sqlite:${path.join(dir, "keyvault.db")}`);
    const keys = await ConversationKeys.create(ring, vault);
    const fanout = new InProcessFanout();
    const chat = new ChatService(storage, keys, fanout, Date.now, options.maxBatch === undefined ? {} : { maxBatch: options.maxBatch, ...(options.maxBatch === 1 ? { windowMs: 0 } : {}) });

    const pairs: { conversationId: string; visitor: ChatActor; agent: ChatActor }[] = [];
    for (let i = 0; i < options.conversations; i++) {
      const visitor = { kind: "visitor" as const, siteId: "bench", visitorId: randomBytes(12).toString("base64url") };
      const agentId = randomUUID();
      const c = await chat.startChat(visitor);
      await chat.accept(agentId, c.id);
      // An agent connection knows its agent's display name (agent-connection.ts), as here.
      pairs.push({ conversationId: c.id, visitor, agent: { kind: "agent", agentId, name: `Agent ${i + 1}` } });
    }

    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    for (const p of pairs) {
      fanout.subscribe(topics.conversation(p.conversationId), (e) => {
        if (e.type !== "message") return;
        const t0 = sentAt.get(e.message.clientId);
        if (t0 !== undefined) latencies.push(performance.now() - t0);
      });
    }

    const text = "Hello, could you help me with my contract renewal? " + "x".repeat(60);
    const deadline = performance.now() + options.maxSeconds * 1000;
    let next = 0;
    // Unique per run without a CSPRNG call per message, which the clients of a real chat make on their own machines.
    const runTag = randomBytes(4).toString("hex");
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    const worker = async () => {
      while (next < options.messages && performance.now() < deadline) {
        const n = next++;
        const pair = pairs[n % pairs.length];
        if (!pair) return;
        const clientId = `b${n}-${runTag}`;
        sentAt.set(clientId, performance.now());
        await chat.send(n % 2 === 0 ? pair.visitor : pair.agent, pair.conversationId, clientId, text);
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    latencies.sort((a, b) => a - b);
    const at = (q: number) => round(latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0);
    // The yardstick before and after the run, averaged: load that comes or goes during the run moves both.
    const raw = Math.round((rawBefore + (await rawInsertsPerSecond(dialect, databaseUrl, BASELINE_SECONDS))) / 2);
    const msgsPerSecond = Math.round(latencies.length / seconds);
    return {
      dialect: storage.dialect,
      messages: latencies.length,
      seconds: round(seconds),
      msgsPerSecond,
      p50Ms: at(0.5),
      p99Ms: at(0.99),
      cpuUsPerMessage: Math.round((cpu.user + cpu.system) / Math.max(1, latencies.length)),
      rawInsertTxnsPerSecond: raw,
      vsRawInserts: Math.round((msgsPerSecond / Math.max(1, raw)) * 1000) / 1000,
    };
  } finally {
    await vault?.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How long each measurement of the raw-insert yardstick runs. */
const BASELINE_SECONDS = 2;

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

/**
 * `bench chat`: the run on a throw-away SQLite file (removed after), then on PostgreSQL when a URL
 * is given, as the figures the command prints.
 */
export async function runChatBenches(run: ChatBenchOptions, postgresUrl: string | undefined) {
  const sqliteFile = `${process.env.TMPDIR ?? "/tmp"}/airlock-bench-chat-${process.pid}.db`;
  const sqlite = await runChatBench(`sqlite:${sqliteFile}`, run);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(sqliteFile + suffix, { force: true });
  const postgres: ChatBenchResult | null = postgresUrl ? await runChatBench(postgresUrl, run) : null;
  return {
    sqlite_msgs_s: sqlite.msgsPerSecond,
    postgres_msgs_s: postgres?.msgsPerSecond ?? null,
    p99_ms: sqlite.p99Ms,
    postgres_p99_ms: postgres?.p99Ms ?? null,
    sqlite_raw_insert_txns_s: sqlite.rawInsertTxnsPerSecond,
    postgres_raw_insert_txns_s: postgres?.rawInsertTxnsPerSecond ?? null,
    sqlite_vs_raw_inserts: sqlite.vsRawInserts,
    postgres_vs_raw_inserts: postgres?.vsRawInserts ?? null,
    load_average_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    runs: postgres ? [sqlite, postgres] : [sqlite],
    settings: run,
  };
}
