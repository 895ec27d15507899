import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { startServer, type RunningServer, type StartOptions } from "../../src/server/server.js";
import { openStorage } from "../../src/storage/db.js";
import { migrateUp } from "../../src/storage/migrate.js";
import { captureLog } from "./log-sink.js";
import { freeListenerEnv } from "./ports.js";

/** One structured log line, with the fields tests look at most. */
export interface LogLine {
  readonly level: string;
  readonly msg: string;
  readonly code?: string;
  readonly cause?: string;
  readonly route?: string;
  readonly method?: string;
  readonly status?: number;
  readonly suppressed?: number;
  readonly err?: { readonly type: string; readonly stack?: string };
  readonly [field: string]: unknown;
}

export interface TestServer extends RunningServer {
  readonly config: Config;
  /** Every log line written so far, raw JSON text. */
  logText(): string;
  /** Every log line written so far, parsed. */
  logLines(): LogLine[];
  stop(): Promise<void>;
}

/** Starts a real Airlock on an ephemeral loopback port with a fresh, migrated SQLite database. */
export async function startTestServer(env: Record<string, string> = {}, options: Omit<StartOptions, "log"> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "airlock-srv-"));
  const { config } = loadConfig({
    AIRLOCK_DATA_DIR: dataDir,
    ...freeListenerEnv, // beside each other and beside `make run`: never a default port
    AIRLOCK_LOG_LEVEL: "info",
    // Every test's visitors come from loopback, one client address: the quota tests set their own.
    AIRLOCK_VISITS_PER_CLIENT_PER_MINUTE: "100000",
    ...env,
  });
  const storage = openStorage(config.databaseUrl, { tls: config });
  const outcome = await migrateUp(storage);
  await storage.close();
  if (!outcome.ok) throw new Error(`migration failed: ${outcome.error}`);
  const sink = captureLog();
  const running = await startServer(config, { ...options, log: sink.log });
  return {
    ...running,
    config,
    logText: () => sink.text(),
    logLines: () => sink.text().trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as LogLine),
    async stop() {
      await running.shutdown("test finished");
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
