import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../config/load.js";
import { createLogger } from "../ops/log.js";
import { startServer, type RunningServer } from "../server/server.js";
import { openStorage } from "../storage/db.js";
import { migrateUp } from "../storage/migrate.js";
import { freePort } from "./free-port.js";

// The Airlock `bench fidelity` measures: a real server in this process, as `make run` starts it
// (dev mode, dev IdP, the asset proxy allowed to fetch loopback sites), on free loopback ports,
// with a fresh SQLite file and a policy folder that registers the benchmark's site folders as
// sites. Everything it made is removed when it stops.

export interface BenchSite {
  readonly id: string;
  readonly siteKey: string;
  readonly origin: string;
}

export interface BenchAirlock {
  readonly origin: string;
  stop(): Promise<void>;
}

/** The site key of the n-th site folder (the policy's pattern: 16 to 64 of A-Z a-z 0-9 _ -). */
export function benchSiteKey(n: number): string {
  return `bench-fidelity-site-${String(n).padStart(4, "0")}`;
}

function sitesYaml(sites: readonly BenchSite[]): string {
  const lines = ["version: 1", "sites:"];
  for (const s of sites) {
    lines.push(`  ${s.id}:`, `    name: Benchmark site ${s.id}`, `    siteKey: ${s.siteKey}`, `    origins: [${s.origin}]`, "    asvs: [V4.4.2]");
  }
  return lines.join("\n") + "\n";
}

export async function startBenchAirlock(sites: readonly BenchSite[]): Promise<BenchAirlock> {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-bench-fidelity-"));
  let started: { port: number; running: RunningServer };
  try {
    started = await start(dir, sites);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const { port, running } = started;
  return {
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      await running.shutdown("benchmark finished");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function start(dir: string, sites: readonly BenchSite[]): Promise<{ port: number; running: RunningServer }> {
  const policies = path.join(dir, "policies");
  const data = path.join(dir, "data");
  mkdirSync(policies);
  mkdirSync(data);
  writeFileSync(path.join(policies, "sites.yaml"), sitesYaml(sites));
  const port = await freePort();
  const { config } = loadConfig({
    AIRLOCK_DATA_DIR: data,
    AIRLOCK_PORT: String(port),
    AIRLOCK_METRICS_PORT: "0",
    AIRLOCK_DEV_IDP_PORT: "0",
    AIRLOCK_LOG_LEVEL: "silent",
    AIRLOCK_POLICY_DIR: policies,
    AIRLOCK_ASSET_PROXY_ALLOW_LOOPBACK: "true",
    AIRLOCK_VISITS_PER_CLIENT_PER_MINUTE: "100000",
  });
  const storage = openStorage(config.databaseUrl, { tls: config });
  const outcome = await migrateUp(storage);
  await storage.close();
  if (!outcome.ok) throw new Error(`migration failed: ${outcome.error}`);
  return { port, running: await startServer(config, { log: createLogger("silent") }) };
}
