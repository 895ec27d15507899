import type { Logger } from "../ops/log.js";
import { telemetrySettings } from "./settings.js";
import type { Telemetry } from "./telemetry.js";

/**
 * Starts OpenTelemetry when the OTEL_* variables ask for it (an OTLP endpoint is set and
 * OTEL_SDK_DISABLED is not true), else returns undefined without loading any of its modules.
 * Throws TelemetrySettingsError, naming the variable, on a value Airlock cannot honour.
 */
export async function startTelemetry(env: Readonly<Record<string, string | undefined>>, log: Logger, version: string): Promise<Telemetry | undefined> {
  const settings = telemetrySettings(env);
  if (!settings) return undefined;
  const { startSdk } = await import("./sdk.js");
  return startSdk(settings, log, version);
}
