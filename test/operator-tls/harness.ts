// Starts Airlock against given settings the way `airlock serve --migrate` does (migrations first,
// through the same TLS settings), capturing every log line.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { startServer, type RunningServer } from "../../src/server/server.js";
import { openStorage } from "../../src/storage/db.js";
import { migrateUp } from "../../src/storage/migrate.js";
import { productionEnv } from "../helpers/config-env.js";
import type { LogSink } from "../helpers/log-sink.js";


/** A production environment (https URL, external IdP, master key, a production sites.yaml) on free loopback ports. */
export function productionServerEnv(): Record<string, string> {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-optls-"));
  writeFileSync(
    path.join(dir, "sites.yaml"),
    "version: 1\nsites:\n  public-web:\n    name: Public website\n    siteKey: public-web-site-key-0001\n    origins: [https://www.bank.example]\n    asvs: [V4.4.2, V1.3.6]\n",
  );
  return { ...productionEnv(), AIRLOCK_DATA_DIR: dir, AIRLOCK_POLICY_DIR: dir, AIRLOCK_PORT: "0", AIRLOCK_METRICS_PORT: "0", AIRLOCK_LOG_LEVEL: "info" };
}

export async function migrateAndStart(env: Record<string, string>, sink: LogSink): Promise<{ config: Config; server: RunningServer }> {
  const { config } = loadConfig(env);
  const storage = openStorage(config.databaseUrl, { poolSize: 2, tls: config });
  try {
    const outcome = await migrateUp(storage);
    if (!outcome.ok) throw new Error(`migration failed: ${outcome.error}`);
  } finally {
    await storage.close();
  }
  return { config, server: await startServer(config, { log: sink.log }) };
}
