import { ConfigError } from "../config/errors.js";
import { loadConfig } from "../config/load.js";
import type { Config } from "../config/schema.js";
import { openStorage, type Storage } from "../storage/db.js";
import { ExitCode } from "./output.js";
import { TelemetrySettingsError, telemetrySettings } from "../telemetry/settings.js";

/** Loads the config for a command; on error prints every issue and exits 2. */
export function configOrExit(json = false): Config {
  try {
    const { config, unknownEnv } = loadConfig();
    // The OTEL_* variables are not Airlock settings, but one Airlock cannot honour is invalid configuration all the same.
    try {
      telemetrySettings(process.env);
    } catch (err) {
      if (err instanceof TelemetrySettingsError) throw new ConfigError([{ field: err.variable, source: "environment", message: err.problem }]);
      throw err;
    }
    if (unknownEnv.length > 0 && !json) {
      process.stderr.write(`airlock: ignoring environment variables that match no setting: ${unknownEnv.join(", ")}\n`);
    }
    return config;
  } catch (err) {
    if (err instanceof ConfigError) {
      if (json) process.stdout.write(JSON.stringify({ ok: false, issues: err.issues }, null, 2) + "\n");
      else process.stderr.write(`airlock: ${err.message}\n`);
      process.exit(ExitCode.invalidConfig);
    }
    throw err;
  }
}

/** Runs a command's `body` on the configured database, closed afterwards whatever happens. */
export async function withStorage<T>(json: boolean, body: (storage: Storage) => Promise<T>): Promise<T> {
  const config = configOrExit(json);
  const storage = openStorage(config.databaseUrl, { poolSize: 2, tls: config });
  try {
    return await body(storage);
  } finally {
    await storage.close();
  }
}
