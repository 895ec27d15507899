import { diag, DiagLogLevel, metrics, trace, type DiagLogFunction } from "@opentelemetry/api";
import type { PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { PeriodicExportingMetricReader, createAllowListAttributesProcessor } from "@opentelemetry/sdk-metrics";
import { startNodeSdk } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, type SpanExporter } from "@opentelemetry/sdk-trace";
import type { Logger } from "../ops/log.js";
import { TracedBus } from "./bus-spans.js";
import { tracedStorage } from "./db-spans.js";
import { installFrameTracer } from "./frame-hook.js";
import { frameSpans } from "./frame-spans.js";
import { httpSpans } from "./http-spans.js";
import { METRIC_ATTRIBUTES, RedactingSpanProcessor } from "./redaction.js";
import type { OtlpProtocol, TelemetrySettings } from "./settings.js";
import type { Telemetry } from "./telemetry.js";

/**
 * Starts the SDK as the settings say: OTLP over HTTP (protobuf or JSON), the redacting span
 * processor in front of the batch exporter, no resource detectors (they would export the host's
 * user name and command line), no log export, no automatic instrumentation (Airlock makes its
 * own spans, so it knows every attribute that can exist).
 */
export async function startSdk(settings: TelemetrySettings, log: Logger, version: string): Promise<Telemetry> {
  const spanExporter = settings.tracesUrl ? await traceExporter(settings.tracesUrl, settings.tracesProtocol) : undefined;
  const processor = spanExporter ? new RedactingSpanProcessor(new BatchSpanProcessor({ exporter: spanExporter, ...settings.batch })) : undefined;
  const metricExporter = settings.metricsUrl ? await metricsExporter(settings.metricsUrl, settings.metricsProtocol) : undefined;
  const reader = metricExporter
    ? new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: settings.metricExportIntervalMs, exportTimeoutMillis: settings.metricExportTimeoutMs })
    : undefined;
  const sdk = startNodeSdk({
    logLevel: "none",
    resourceDetectors: [],
    resourceAttributes: { ...settings.resourceAttributes, "service.name": settings.serviceName, "service.version": version },
    spanProcessors: processor ? [processor] : [],
    metricReaders: reader ? [reader] : [],
    // Whatever instrument is added later, only these attribute keys are exported.
    views: [{ instrumentName: "*", attributesProcessors: [createAllowListAttributesProcessor([...METRIC_ATTRIBUTES])] }],
    logRecordProcessors: [],
  });
  // The SDK's own diagnostics (an unreachable collector) go to Airlock's JSON log, shortened.
  const report: DiagLogFunction = (message) => log.warn({ detail: String(message).slice(0, 200) }, "opentelemetry export problem");
  const quiet: DiagLogFunction = () => undefined;
  diag.setLogger({ error: report, warn: report, info: quiet, debug: quiet, verbose: quiet }, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

  const tracer = trace.getTracer("airlock", version);
  const meter = metrics.getMeter("airlock", version);
  const frames = meter.createCounter("airlock.ws.frames", { description: "Inbound WebSocket frames handled, by side and kind" });
  const connections = meter.createObservableGauge("airlock.ws.connections", { description: "Open WebSocket connections of this server process, by side" });
  installFrameTracer(frameSpans(tracer, frames));
  log.info({ otlp: { traces: settings.tracesUrl !== undefined, metrics: settings.metricsUrl !== undefined, protocol: settings.tracesProtocol } }, "opentelemetry export on");

  return {
    httpMiddleware: httpSpans(tracer),
    traceStorage: (storage) => tracedStorage(storage, tracer),
    traceBus: (bus) => new TracedBus(bus, tracer),
    observeConnections(count) {
      const callback = (result: { observe(value: number, attributes: Record<string, string>): void }) => {
        const counts = count();
        result.observe(counts.visitor, { "airlock.ws.side": "visitor" });
        result.observe(counts.agent, { "airlock.ws.side": "agent" });
      };
      connections.addCallback(callback);
      return () => connections.removeCallback(callback);
    },
    async forceFlush() {
      await Promise.all([processor?.forceFlush(), reader?.forceFlush()]);
    },
    async shutdown() {
      installFrameTracer(undefined);
      await sdk.shutdown();
      trace.disable();
      metrics.disable();
    },
  };
}

async function traceExporter(url: string, protocol: OtlpProtocol): Promise<SpanExporter> {
  if (protocol === "http/json") return new (await import("@opentelemetry/exporter-trace-otlp-http")).OTLPTraceExporter({ url });
  return new (await import("@opentelemetry/exporter-trace-otlp-proto")).OTLPTraceExporter({ url });
}

async function metricsExporter(url: string, protocol: OtlpProtocol): Promise<PushMetricExporter> {
  if (protocol === "http/json") return new (await import("@opentelemetry/exporter-metrics-otlp-http")).OTLPMetricExporter({ url });
  return new (await import("@opentelemetry/exporter-metrics-otlp-proto")).OTLPMetricExporter({ url });
}
