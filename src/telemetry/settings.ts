// Which OpenTelemetry settings Airlock honours, read from the standard OTEL_* variables without
// loading any OpenTelemetry module: with telemetry off, nothing of the SDK is ever imported.
// Telemetry is off unless an OTLP endpoint is set (and OTEL_SDK_DISABLED is not true). A value
// Airlock cannot honour (gRPC, a configuration file, an unknown sampler, a resource attribute
// outside the allowlist) refuses the start with the variable's name, like any invalid setting.

export type OtlpProtocol = "http/protobuf" | "http/json";

export interface TelemetrySettings {
  readonly serviceName: string;
  /** Extra resource attributes from OTEL_RESOURCE_ATTRIBUTES (allowlisted keys only). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** The full URL spans are posted to, or undefined when traces are off. */
  readonly tracesUrl: string | undefined;
  readonly tracesProtocol: OtlpProtocol;
  /** The full URL metrics are posted to, or undefined when metrics are off. */
  readonly metricsUrl: string | undefined;
  readonly metricsProtocol: OtlpProtocol;
  readonly metricExportIntervalMs: number;
  readonly metricExportTimeoutMs: number;
  readonly batch: { readonly scheduledDelayMillis: number; readonly maxQueueSize: number; readonly maxExportBatchSize: number; readonly exportTimeoutMillis: number };
}

export class TelemetrySettingsError extends Error {
  constructor(
    readonly variable: string,
    readonly problem: string,
  ) {
    super(`${variable}: ${problem}`);
    this.name = "TelemetrySettingsError";
  }
}

/** Resource attribute keys an operator may add: where the process runs, never who uses it. */
export const RESOURCE_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set([
  "service.namespace",
  "service.version",
  "deployment.environment",
  "deployment.environment.name",
  "cloud.provider",
  "cloud.region",
  "k8s.cluster.name",
  "k8s.namespace.name",
  "k8s.pod.name",
  "k8s.deployment.name",
]);

const SAMPLERS = new Set(["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"]);
const PROTOCOLS = new Set<string>(["http/protobuf", "http/json"]);
type Env = Readonly<Record<string, string | undefined>>;

/** undefined when telemetry is off; the settings otherwise; throws TelemetrySettingsError on a value Airlock cannot honour. */
export function telemetrySettings(env: Env): TelemetrySettings | undefined {
  const value = (name: string): string | undefined => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const disabled = value("OTEL_SDK_DISABLED");
  if (disabled !== undefined && !["true", "false"].includes(disabled.toLowerCase())) throw new TelemetrySettingsError("OTEL_SDK_DISABLED", "must be true or false");
  if (disabled?.toLowerCase() === "true") return undefined;
  const base = value("OTEL_EXPORTER_OTLP_ENDPOINT");
  const tracesEndpoint = value("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const metricsEndpoint = value("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT");
  if (base === undefined && tracesEndpoint === undefined && metricsEndpoint === undefined) return undefined;
  if (value("OTEL_CONFIG_FILE") !== undefined) {
    throw new TelemetrySettingsError("OTEL_CONFIG_FILE", "is not supported: Airlock configures the SDK itself so that its attribute allowlist always applies");
  }

  const exporterOn = (name: string): boolean => {
    const v = value(name)?.toLowerCase() ?? "otlp";
    if (v !== "otlp" && v !== "none") throw new TelemetrySettingsError(name, `"${v}" is not supported (otlp or none)`);
    return v === "otlp";
  };
  const protocol = (name: string): OtlpProtocol => {
    const v = value(name) ?? value("OTEL_EXPORTER_OTLP_PROTOCOL") ?? "http/protobuf";
    if (!PROTOCOLS.has(v)) throw new TelemetrySettingsError(name in env ? name : "OTEL_EXPORTER_OTLP_PROTOCOL", `"${v}" is not supported (http/protobuf or http/json; gRPC is not)`);
    return v as OtlpProtocol;
  };
  const url = (name: string, signal: string, path: string): string | undefined => {
    const own = name === "traces" ? tracesEndpoint : metricsEndpoint;
    const chosen = own ?? (base === undefined ? undefined : `${base.replace(/\/+$/, "")}/${path}`);
    if (chosen === undefined) return undefined;
    const variable = own !== undefined ? `OTEL_EXPORTER_OTLP_${signal}_ENDPOINT` : "OTEL_EXPORTER_OTLP_ENDPOINT";
    let parsed: URL;
    try {
      parsed = new URL(chosen);
    } catch {
      throw new TelemetrySettingsError(variable, "is not a URL");
    }
    if (parsed.protocol !== "http:" && parsed.protocol !== "https:") throw new TelemetrySettingsError(variable, "must be an http:// or https:// URL");
    if (parsed.username || parsed.password) throw new TelemetrySettingsError(variable, "must not carry credentials (use OTEL_EXPORTER_OTLP_HEADERS)");
    return parsed.toString();
  };
  const integer = (name: string, fallback: number, min: number): number => {
    const v = value(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min) throw new TelemetrySettingsError(name, `must be a whole number of at least ${min}`);
    return Number(v);
  };

  const sampler = value("OTEL_TRACES_SAMPLER");
  if (sampler !== undefined && !SAMPLERS.has(sampler)) throw new TelemetrySettingsError("OTEL_TRACES_SAMPLER", `"${sampler}" is not one of ${[...SAMPLERS].join(", ")}`);
  const ratio = value("OTEL_TRACES_SAMPLER_ARG");
  if (ratio !== undefined && (!/^(0|1|0?\.\d+|1\.0*)$/.test(ratio))) throw new TelemetrySettingsError("OTEL_TRACES_SAMPLER_ARG", "must be a ratio between 0 and 1");
  const propagators = value("OTEL_PROPAGATORS");
  if (propagators !== undefined && !propagators.split(",").map((p) => p.trim()).includes("tracecontext")) {
    throw new TelemetrySettingsError("OTEL_PROPAGATORS", "must include tracecontext: traces cross server processes with the W3C traceparent");
  }

  const tracesOn = exporterOn("OTEL_TRACES_EXPORTER");
  const metricsOn = exporterOn("OTEL_METRICS_EXPORTER");
  const metricExportIntervalMs = integer("OTEL_METRIC_EXPORT_INTERVAL", 60_000, 100);
  return {
    serviceName: value("OTEL_SERVICE_NAME") ?? "airlock",
    resourceAttributes: resourceAttributes(value("OTEL_RESOURCE_ATTRIBUTES")),
    tracesUrl: tracesOn ? url("traces", "TRACES", "v1/traces") : undefined,
    tracesProtocol: protocol("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"),
    metricsUrl: metricsOn ? url("metrics", "METRICS", "v1/metrics") : undefined,
    metricsProtocol: protocol("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"),
    metricExportIntervalMs,
    metricExportTimeoutMs: Math.min(integer("OTEL_METRIC_EXPORT_TIMEOUT", 30_000, 100), metricExportIntervalMs),
    batch: {
      scheduledDelayMillis: integer("OTEL_BSP_SCHEDULE_DELAY", 5_000, 0),
      maxQueueSize: integer("OTEL_BSP_MAX_QUEUE_SIZE", 2_048, 1),
      maxExportBatchSize: Math.min(integer("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 512, 1), integer("OTEL_BSP_MAX_QUEUE_SIZE", 2_048, 1)),
      exportTimeoutMillis: integer("OTEL_BSP_EXPORT_TIMEOUT", 30_000, 1),
    },
  };
}

/** `key=value,key=value` (values percent-encoded), keys limited to RESOURCE_ATTRIBUTE_KEYS. */
function resourceAttributes(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === undefined) return out;
  for (const pair of text.split(",")) {
    const at = pair.indexOf("=");
    const key = pair.slice(0, at).trim();
    if (at <= 0) throw new TelemetrySettingsError("OTEL_RESOURCE_ATTRIBUTES", "must be a list of key=value pairs");
    if (!RESOURCE_ATTRIBUTE_KEYS.has(key)) {
      throw new TelemetrySettingsError("OTEL_RESOURCE_ATTRIBUTES", `"${key}" is not an allowed key (${[...RESOURCE_ATTRIBUTE_KEYS].join(", ")})`);
    }
    let decoded: string;
    try {
      decoded = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      throw new TelemetrySettingsError("OTEL_RESOURCE_ATTRIBUTES", `the value of "${key}" is not percent-encoded correctly`);
    }
    out[key] = decoded;
  }
  return out;
}
