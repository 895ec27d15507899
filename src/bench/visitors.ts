import { fork, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DEFAULT_FLUSH_MS } from "../presence/live-visitor-query.js";
import type { VisitorQuery } from "../protocol/visitor-query.js";
import { round } from "./round.js";
import type { LoadSettings } from "./visitors-load.js";
import type { ServerStats, VisitorsServerMode } from "./visitors-server.js";

/** The bounds of one `bench visitors` run (the CLI's options after `--quick`). */
export interface VisitorsBenchSettings {
  readonly visitors: number;
  readonly probes: number;
  readonly probeIntervalMs: number;
  /** Visitors per load process. */
  readonly perLoader: number;
  /** The whole run ends (and fails) after this long, whatever it is doing. */
  readonly timeoutSeconds: number;
}

const serverEntry = fileURLToPath(new URL("./visitors-server.js", import.meta.url));
const loadEntry = fileURLToPath(new URL("./visitors-load.js", import.meta.url));
const DEMO_ORIGIN = "http://127.0.0.1:8080";
const DEMO_SITE_KEY = "demo-site-key-0001";
/** File descriptors a server process keeps for itself besides its visitors' sockets. */
const FD_RESERVE = 300;
/** The agent's view: the 25 visitors seen last, so a probe's page view enters the page. */
const AGENT_QUERY: VisitorQuery = { sites: ["demo"], sort: { by: "lastSeenAt", order: "desc" }, offset: 0, limit: 25 };

type Message = Record<string, unknown>;

class Child {
  readonly #messages: Message[] = [];
  readonly #waiters: { test: (m: Message) => boolean; resolve: (m: Message) => void }[] = [];
  readonly exited: Promise<void>;
  onMessage: (m: Message) => void = () => undefined;

  constructor(readonly process: ChildProcess) {
    this.exited = new Promise((resolve) => process.once("exit", () => resolve()));
    process.on("message", (raw) => {
      const m = (typeof raw === "object" && raw !== null ? raw : {}) as Message;
      this.onMessage(m);
      const i = this.#waiters.findIndex((w) => w.test(m));
      if (i >= 0) this.#waiters.splice(i, 1)[0]?.resolve(m);
      else this.#messages.push(m);
    });
  }

  next(key: string): Promise<Message> {
    const test = (m: Message) => key in m;
    const i = this.#messages.findIndex(test);
    if (i >= 0) return Promise.resolve(this.#messages.splice(i, 1)[0] as Message);
    return new Promise((resolve, reject) => {
      this.#waiters.push({ test, resolve });
      void this.exited.then(() => reject(new Error(`bench process exited while waiting for ${key}`)));
    });
  }

  async stop(): Promise<void> {
    this.process.kill();
    await this.exited;
  }
}

/** The server's stderr, without the dev IdP's notice that its in-memory store is for development (it is, here). */
function forwardErrors(child: ChildProcess): void {
  let pending = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    const lines = (pending + chunk).split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) if (line !== "" && !line.startsWith("oidc-provider WARNING")) process.stderr.write(`${line}\n`);
  });
}

function fdLimit(): number {
  try {
    const line = readFileSync("/proc/self/limits", "utf8").split("\n").find((l) => l.startsWith("Max open files"));
    const soft = Number(line?.split(/\s+/)[3]);
    return Number.isFinite(soft) && soft > 0 ? soft : 1_024;
  } catch {
    return 1_024;
  }
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

async function stats(server: Child): Promise<ServerStats> {
  server.process.send("stats");
  return (await server.next("stats")).stats as ServerStats;
}

interface Connected {
  readonly server: Child;
  readonly loaders: Child[];
  readonly before: ServerStats;
  readonly after: ServerStats;
  readonly connected: number;
  readonly failed: number;
  readonly firstError?: string;
  readonly seconds: number;
}

/** Starts a server process of `mode` and connects `visitors` idle visitors to it through load processes. */
async function connect(mode: VisitorsServerMode, visitors: number, perLoader: number, children: Child[]): Promise<Connected> {
  const server = new Child(fork(serverEntry, [mode], { execArgv: ["--expose-gc"], stdio: ["ignore", "ignore", "pipe", "ipc"] }));
  forwardErrors(server.process);
  children.push(server);
  const port = Number((await server.next("port")).port);
  const before = await stats(server);
  const loaders: Child[] = [];
  for (let first = 0; first < visitors; first += perLoader) {
    const settings: LoadSettings = { port, origin: DEMO_ORIGIN, siteKey: DEMO_SITE_KEY, count: Math.min(perLoader, visitors - first), first, concurrency: 64 };
    const loader = new Child(fork(loadEntry, [JSON.stringify(settings)], { stdio: ["ignore", "ignore", "inherit", "ipc"] }));
    children.push(loader);
    loaders.push(loader);
    await loader.next("ready");
  }
  const started = performance.now();
  const reports = await Promise.all(
    loaders.map(async (l) => {
      l.process.send("connect");
      return (await l.next("connectedReport")).connectedReport as { connected: number; failed: number; firstError?: string };
    }),
  );
  const seconds = (performance.now() - started) / 1_000;
  const after = await stats(server);
  const firstError = reports.find((r) => r.firstError)?.firstError;
  return {
    server,
    loaders,
    before,
    after,
    seconds,
    connected: reports.reduce((n, r) => n + r.connected, 0),
    failed: reports.reduce((n, r) => n + r.failed, 0),
    ...(firstError ? { firstError } : {}),
  };
}

function perVisitor(c: Connected) {
  const n = Math.max(1, c.connected);
  return {
    rss_kb_per_visitor: round((c.after.rssBytes - c.before.rssBytes) / 1_024 / n, 2),
    heap_kb_per_visitor: round((c.after.heapBytes - c.before.heapBytes) / 1_024 / n, 2),
    cpu_ms_per_connect: round((c.after.cpuMicros - c.before.cpuMicros) / 1_000 / n, 3),
    rss_mb_before: round(c.before.rssBytes / 1_048_576, 1),
    rss_mb_after: round(c.after.rssBytes / 1_048_576, 1),
    connect_seconds: round(c.seconds, 1),
  };
}

/** Probes: one visitor's next page, timed from its load process's send to the agent's query frame carrying it. */
async function probeLatency(c: Connected, probes: number, intervalMs: number): Promise<number[]> {
  const sent = new Map<number, number>();
  const arrived = new Map<number, number>();
  c.server.onMessage = (m) => {
    if (typeof m.probe === "number" && typeof m.at === "number" && !arrived.has(m.probe)) arrived.set(m.probe, m.at);
  };
  for (const l of c.loaders) {
    l.onMessage = (m) => {
      if (typeof m.probeSent === "number" && typeof m.at === "number") sent.set(m.probeSent, m.at);
    };
  }
  for (let k = 0; k < probes; k++) {
    const loader = c.loaders[k % c.loaders.length];
    loader?.process.send({ probe: k, index: Math.floor(Math.random() * 1e9) });
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  // The last probe's frame: at most one flush window later (and a margin for a busy machine).
  for (const t0 = performance.now(); arrived.size < sent.size && performance.now() - t0 < 5_000; ) await new Promise((r) => setTimeout(r, 20));
  return [...sent].flatMap(([k, at]) => {
    const got = arrived.get(k);
    return got === undefined ? [] : [got - at];
  });
}

/**
 * Idle visitors on one server process: memory per visitor and CPU per connect against a bare
 * WebSocket server holding the same number of idle sockets, then the latency of a visitor's page
 * view to an agent's live visitor query at that number of visitors. Loopback only; every
 * process it starts is stopped at the end, and the whole run is bounded by `timeoutSeconds`.
 */
export async function runVisitorsBench(s: VisitorsBenchSettings) {
  const limit = fdLimit();
  const visitors = Math.min(s.visitors, Math.max(1, limit - FD_RESERVE));
  const perLoader = Math.min(s.perLoader, Math.max(1, limit - FD_RESERVE));
  const children: Child[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`bench visitors did not finish within ${s.timeoutSeconds} s`)), s.timeoutSeconds * 1_000);
  });
  const stopAll = async () => {
    for (const c of children.splice(0)) await c.stop();
  };
  const run = async () => {
    const bare = await connect("bare", visitors, perLoader, children);
    const bareFigures = perVisitor(bare);
    await stopAll();
    const airlock = await connect("airlock", visitors, perLoader, children);
    const airlockFigures = perVisitor(airlock);
    airlock.server.process.send({ query: AGENT_QUERY });
    const cost = (await airlock.server.next("queryCost")).queryCost as { evalMs: number; listMs: number; listed: number };
    const latencies = (await probeLatency(airlock, s.probes, s.probeIntervalMs)).sort((a, b) => a - b);
    await stopAll();
    const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : null);
    return {
      visitors_requested: s.visitors,
      visitors_connected: airlock.connected,
      connect_failures: airlock.failed + bare.failed,
      ...(airlock.firstError ?? bare.firstError ? { first_connect_error: airlock.firstError ?? bare.firstError } : {}),
      fd_limit: limit,
      airlock: airlockFigures,
      bare_ws: bareFigures,
      airlock_vs_bare: { memory: ratio(airlockFigures.rss_kb_per_visitor, bareFigures.rss_kb_per_visitor), cpu: ratio(airlockFigures.cpu_ms_per_connect, bareFigures.cpu_ms_per_connect) },
      projected_rss_mb_at_20000: round(airlockFigures.rss_mb_before + (20_000 * airlockFigures.rss_kb_per_visitor) / 1_024, 0),
      presence_latency_ms: {
        visitors: cost.listed,
        probes: latencies.length,
        p50: round(percentile(latencies, 50), 1),
        p99: round(percentile(latencies, 99), 1),
        max: round(latencies.at(-1) ?? Number.NaN, 1),
        flush_window_ms: DEFAULT_FLUSH_MS,
      },
      query_eval_ms: round(cost.evalMs, 2),
      list_snapshot_ms: round(cost.listMs, 2),
      settings: { ...s, visitors_used: visitors },
    };
  };
  try {
    return await Promise.race([run(), deadline]);
  } finally {
    clearTimeout(timer);
    await stopAll();
  }
}

export type VisitorsFigures = Awaited<ReturnType<typeof runVisitorsBench>>;
