import type { Command } from "commander";
import type { Config } from "../config/schema.js";
import { startServer } from "../server/server.js";
import { openStorage, ping } from "../storage/db.js";
import { describePostgresFailure, isPostgresConnectionFailure } from "../storage/postgres-failure.js";
import { migrateUp } from "../storage/migrate.js";
import { configOrExit } from "./load-config.js";
import { ExitCode } from "./output.js";
import { createLogger } from "../ops/log.js";
import { startTelemetry } from "../telemetry/start.js";
import type { Telemetry } from "../telemetry/telemetry.js";
import { airlockVersion } from "./version.js";

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("start the Airlock server (HTTP, WebSocket and metrics listeners) until SIGTERM/SIGINT")
    .option("--migrate", "apply pending database migrations before starting (container entrypoint; safe with several replicas)")
    .action(async (opts: { migrate?: boolean }) => {
      const config = configOrExit();
      const log = createLogger(config.logLevel);
      let running;
      let telemetry: Telemetry | undefined;
      try {
        if (opts.migrate) await migrateBeforeStart(config);
        // OpenTelemetry starts first (when the OTEL_* variables turn it on), so startup is traced too.
        telemetry = await startTelemetry(process.env, log, airlockVersion());
        running = await startServer(config, { log, ...(telemetry ? { telemetry } : {}) });
      } catch (err) {
        await telemetry?.shutdown().catch(() => undefined);
        process.stderr.write(`airlock: cannot start: ${(err as Error).message}\n`);
        process.exit(ExitCode.failure);
      }
      const stop = (signal: string) => {
        running
          .shutdown(signal)
          // The last spans and metrics are exported once the server has drained.
          .then(() => telemetry?.shutdown())
          .then(() => process.exit(ExitCode.ok))
          .catch(() => process.exit(ExitCode.failure));
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
}

/** Kysely's migration lock serialises replicas that start at the same time. */
async function migrateBeforeStart(config: Config): Promise<void> {
  const storage = openStorage(config.databaseUrl, { poolSize: 2, tls: config });
  try {
    // Reach the server first, so a refused certificate or password is reported as such.
    await ping(storage).catch((err: unknown) => {
      throw storage.dialect === "postgres" && isPostgresConnectionFailure(err) ? new Error(describePostgresFailure("database", err), { cause: err }) : err;
    });
    const outcome = await migrateUp(storage);
    if (!outcome.ok) throw new Error(`migration ${outcome.failed ?? "?"} failed: ${outcome.error ?? "unknown error"}`);
  } finally {
    await storage.close();
  }
}
