import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, createWriteStream, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import pg from "pg";
import { spawnCli, waitForLog } from "./cli.js";
import { freePort } from "./ports.js";

// PostgreSQL and Redis of a test's own, on free loopback ports in a temp dir, for fault tests
// that stop and restart them (the suite's shared ones must stay up for every other test), and
// `airlock serve` processes that can be killed. Everything is stopped by PID at the end.

function pgBin(): string {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b));
  return `/usr/lib/postgresql/${versions[versions.length - 1] ?? "15"}/bin`;
}

/** initdb refuses root: run PostgreSQL's tools as the postgres user then. */
function asPostgres(command: string, args: readonly string[]): void {
  const isRoot = process.getuid?.() === 0;
  const [file, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, [...args]];
  const r = spawnSync(file, argv, { encoding: "utf8", timeout: 30_000 });
  if (r.status !== 0) throw new Error(`${path.basename(command)} ${args[0] ?? ""} failed: ${r.stderr}`);
}

export interface PrivatePostgres {
  readonly port: number;
  /** A URL of a new empty database. */
  createDatabase(name: string): Promise<string>;
  /** Stops (fast: open connections are cut) and starts again on the same port; data kept. */
  restart(): void;
  stop(): void;
}

export async function startPrivatePostgres(dir: string): Promise<PrivatePostgres> {
  const bin = pgBin();
  const root = path.join(dir, "pg");
  chmodSync(dir, 0o755); // the postgres user must reach its directory inside
  mkdirSync(root);
  if (process.getuid?.() === 0) chownSync(root, Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim()), -1);
  const data = path.join(root, "data");
  const port = await freePort();
  asPostgres(`${bin}/initdb`, ["-D", data, "-U", "postgres", "-A", "trust", "--no-sync"]);
  const options = `-c listen_addresses=127.0.0.1 -p ${port} -k ${root} -c fsync=off -c max_connections=100`;
  const start = () => asPostgres(`${bin}/pg_ctl`, ["-D", data, "-l", path.join(root, "log"), "-w", "-o", options, "start"]);
  start();
  const base = `postgres://postgres@127.0.0.1:${port}`;
  return {
    port,
    async createDatabase(name) {
      const admin = new pg.Client({ connectionString: `${base}/postgres` });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return `${base}/${name}`;
    },
    restart() {
      asPostgres(`${bin}/pg_ctl`, ["-D", data, "-m", "fast", "-w", "stop"]);
      start();
    },
    stop() {
      if (existsSync(path.join(data, "postmaster.pid"))) asPostgres(`${bin}/pg_ctl`, ["-D", data, "-m", "immediate", "-w", "stop"]);
    },
  };
}

export interface PrivateRedis {
  readonly url: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Redis without persistence, as Airlock requires; stop() and start() keep the port. */
export async function privateRedis(dir: string): Promise<PrivateRedis> {
  const port = await freePort();
  const pidFile = path.join(dir, "redis.pid");
  const pid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8").trim()) : undefined);
  const alive = (p: number) => {
    try {
      process.kill(p, 0);
      return true;
    } catch {
      return false;
    }
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    async start() {
      execFileSync("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--daemonize", "yes", "--pidfile", pidFile, "--dir", dir, "--logfile", path.join(dir, "redis.log")]);
      for (let i = 0; i < 100 && pid() === undefined; i++) await sleep(20);
    },
    async stop() {
      const p = pid();
      if (p === undefined) return;
      process.kill(p, "SIGTERM");
      for (let i = 0; i < 250 && alive(p); i++) await sleep(20);
    },
  };
}

export interface ServeProcess {
  readonly url: string;
  readonly child: ChildProcessWithoutNullStreams;
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** `airlock serve` as its own process (the built CLI) on a known free loopback port. */
export async function startServe(env: Record<string, string>): Promise<ServeProcess> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(tmpdir(), "airlock-serve-"));
  chmodSync(dataDir, 0o700);
  const child = spawnCli(["serve"], { AIRLOCK_DATA_DIR: dataDir, AIRLOCK_PORT: String(port), ...env });
  // Its log goes to a file in its data dir (kept while it runs) so a chatty process never blocks on a full pipe.
  const log = createWriteStream(path.join(process.env.AIRLOCK_FAULT_LOG_DIR ?? dataDir, `serve-${port}.log`));
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  const listening = await waitForLog(child, "airlock listening").catch((err: unknown) => {
    child.kill("SIGKILL");
    throw err;
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return {
    url: String(listening.url),
    child,
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
