import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ChildProcessWithoutNullStreams } from "node:child_process";
import pg from "pg";
import { runCli, spawnCli, waitForLog } from "./cli.js";
import { freePort } from "./ports.js";
import { serviceUrl } from "./services.js";

// Real `airlock serve` processes on loopback, as a cluster runs them: one fresh PostgreSQL
// database, one Redis, one master key, a policy folder. Each can be killed (SIGKILL), stopped
// (SIGTERM) and started again on its port. Stopped by PID, never by name.

export interface ServerProcess {
  readonly port: number;
  readonly url: string;
  child: ChildProcessWithoutNullStreams;
  /** Every stdout line so far (JSON logs). */
  readonly output: string[];
}

export interface ServerProcesses {
  readonly servers: ServerProcess[];
  kill(server: ServerProcess, signal: "SIGKILL" | "SIGTERM"): Promise<void>;
  start(server: ServerProcess): Promise<void>;
  stop(): Promise<void>;
}

async function asAdmin(statement: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serviceUrl("AIRLOCK_TEST_PG_URL") });
  await admin.connect();
  try {
    await admin.query(statement);
  } finally {
    await admin.end();
  }
}

export async function startServerProcesses(count: number, env: Record<string, string>): Promise<ServerProcesses> {
  const database = `airlock_p_${randomBytes(6).toString("hex")}`;
  const url = new URL(serviceUrl("AIRLOCK_TEST_PG_URL") ?? "");
  url.pathname = `/${database}`;
  await asAdmin(`CREATE DATABASE ${database}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), "airlock-procs-"));
  const shared = {
    AIRLOCK_DATA_DIR: dataDir,
    AIRLOCK_DATABASE_URL: url.toString(),
    AIRLOCK_REDIS_URL: serviceUrl("AIRLOCK_TEST_REDIS_URL") ?? "",
    AIRLOCK_MASTER_KEY: `procs-1:${randomBytes(32).toString("base64")}`,
    AIRLOCK_VISITS_PER_CLIENT_PER_MINUTE: "100000",
    AIRLOCK_LOG_LEVEL: "info",
    ...env,
  };
  const migrated = runCli(["migrate", "up"], shared);
  if (migrated.status !== 0) throw new Error(`migrate failed: ${migrated.stderr}`);
  const servers: ServerProcess[] = [];
  const start = async (server: ServerProcess): Promise<void> => {
    const child = spawnCli(["serve"], { ...shared, AIRLOCK_PORT: String(server.port) });
    server.child = child;
    child.stdout.on("data", (d: Buffer) => server.output.push(...d.toString().split("\n").filter(Boolean)));
    await waitForLog(child, "airlock listening");
  };
  const kill = async (server: ServerProcess, signal: "SIGKILL" | "SIGTERM"): Promise<void> => {
    const { child } = server;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    child.kill(signal);
    await exited;
  };
  const stop = async () => {
    for (const server of servers) await kill(server, "SIGKILL");
    await asAdmin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const server = { port, url: `http://127.0.0.1:${port}`, output: [] as string[] } as unknown as ServerProcess;
      servers.push(server);
      await start(server);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { servers, kill, start, stop };
}
