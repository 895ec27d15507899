import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { WebSocketServer } from "ws";
import { loadConfig } from "../config/load.js";
import { createLogger } from "../ops/log.js";
import { ConsoleVisitorQueries } from "../presence/console-visitor-queries.js";
import type { VisitorQueryFrame } from "../presence/live-visitor-query.js";
import { runQuery } from "../presence/visitor-query.js";
import type { VisitorQuery } from "../protocol/visitor-query.js";
import { startServer, type RunningServer } from "../server/server.js";
import { openStorage } from "../storage/db.js";
import { migrateUp } from "../storage/migrate.js";

// The server side of `bench visitors`, in its own process (forked by visitors.ts) so its memory
// and CPU time are its own. Two modes on loopback:
// - `airlock`: a real Airlock (dev mode, SQLite in a temp folder, in-process bus), visitors on
//   its /ws/visitor; an agent's live visitor query runs inside it on the real presence registry;
// - `bare`: a ws server that answers each `hello` with a `welcome` and keeps the socket — the
//   floor any WebSocket server pays per idle connection, for the ratio.
// The parent asks over IPC for figures ("stats"), starts the agent's query ("query") and is told
// the time each probe's page view reached the agent ({ probe, at }).

export type VisitorsServerMode = "airlock" | "bare";

export interface ServerStats {
  readonly cpuMicros: number;
  readonly rssBytes: number;
  readonly heapBytes: number;
  readonly fds: number;
}

const mode = (process.argv[2] ?? "airlock") as VisitorsServerMode;
process.on("disconnect", () => process.exit(0));
const PROBE = /\/bench-probe\/(\d+)$/;
const absoluteNow = () => performance.timeOrigin + performance.now();

function stats(): ServerStats {
  // Twice: the second pass collects what the first one's finalizers released.
  globalThis.gc?.();
  globalThis.gc?.();
  const used = process.cpuUsage();
  const memory = process.memoryUsage();
  let fds = 0;
  try {
    fds = readdirSync("/proc/self/fd").length;
  } catch {
    // not Linux: left at 0
  }
  return { cpuMicros: used.user + used.system, rssBytes: memory.rss, heapBytes: memory.heapUsed + memory.external + memory.arrayBuffers, fds };
}

async function startAirlock(dataDir: string): Promise<RunningServer> {
  const { config } = loadConfig({
    AIRLOCK_DATA_DIR: dataDir,
    AIRLOCK_PORT: "0",
    AIRLOCK_METRICS_PORT: "0",
    AIRLOCK_DEV_IDP_PORT: "0",
    AIRLOCK_LOG_LEVEL: "error",
    // Every bench visitor comes from 127.0.0.1: one client address holds them all.
    AIRLOCK_VISITS_PER_CLIENT_PER_MINUTE: "100000",
    AIRLOCK_MAX_CONNECTIONS_PER_CLIENT: "100000",
  });
  const storage = openStorage(config.databaseUrl, { tls: config });
  const migrated = await migrateUp(storage);
  await storage.close();
  if (!migrated.ok) throw new Error(`migration failed: ${migrated.error}`);
  return startServer(config, { log: createLogger("error") });
}

async function main(): Promise<void> {
  if (mode === "bare") {
    const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, perMessageDeflate: false });
    wss.on("connection", (ws) => ws.once("message", () => ws.send(JSON.stringify({ kind: "welcome" }))));
    wss.on("listening", () => {
      const address = wss.address();
      process.send?.({ port: address !== null && typeof address === "object" ? address.port : 0 });
    });
    process.on("message", (m: unknown) => {
      if (m === "stats") process.send?.({ stats: stats() });
    });
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), "airlock-bench-visitors-"));
  process.on("exit", () => rmSync(dataDir, { recursive: true, force: true }));
  const server = await startAirlock(dataDir);
  const presence = server.services.chat.presence;
  let queries: ConsoleVisitorQueries | undefined;
  // The agent's sink: a probe's page view has reached the agent when a frame carries its row.
  const sink = (frame: VisitorQueryFrame) => {
    const at = absoluteNow();
    for (const row of frame.rows) {
      const probe = PROBE.exec(row.url)?.[1];
      if (probe !== undefined) process.send?.({ probe: Number(probe), at });
    }
  };
  process.on("message", (m: unknown) => {
    if (m === "stats") return void process.send?.({ stats: stats() });
    if (typeof m === "object" && m !== null && "query" in m) {
      const query = (m as { query: VisitorQuery }).query;
      queries?.close();
      queries = new ConsoleVisitorQueries(presence, () => true, sink);
      queries.start("list", query);
      // The cost of one evaluation of the query over the whole list, and of building the list's snapshot.
      const lists = new Map([["demo", presence.snapshot("demo")]]);
      const rounds = 20;
      let started = performance.now();
      for (let i = 0; i < rounds; i++) runQuery(query, lists, Date.now());
      const evalMs = (performance.now() - started) / rounds;
      started = performance.now();
      for (let i = 0; i < rounds; i++) presence.list("demo");
      const listMs = (performance.now() - started) / rounds;
      return void process.send?.({ queryCost: { evalMs, listMs, listed: lists.get("demo")?.length ?? 0 } });
    }
  });
  process.send?.({ port: new URL(server.url).port === "" ? 80 : Number(new URL(server.url).port) });
}

main().catch((err: unknown) => {
  process.stderr.write(`bench visitors server: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
