// The chart's OpenTelemetry values: off by default (no OTEL_* variable rendered), the standard
// variables when an endpoint is set, the headers from a Secret, an egress rule for the Collector,
// and values Airlock would refuse (credentials in the URL, an unknown sampler or key) refused at render.
import { describe, expect, it } from "vitest";
import { ciValues, render, type Manifest } from "./helm.js";

interface EnvVar {
  name: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

function rendered(set: string[] = []) {
  const result = render({ valuesFiles: [ciValues("default")], set });
  expect(result.error).toBe("");
  const settings = result.manifests.find((m) => m.kind === "ConfigMap" && m.metadata.name.endsWith("-env"))!.data as Record<string, string>;
  const container = (result.manifests.find((m) => m.kind === "Deployment") as Manifest & { spec: { template: { spec: { containers: { env?: EnvVar[] }[] } } } }).spec.template.spec.containers[0]!;
  const policy = result.manifests.find((m) => m.kind === "NetworkPolicy") as (Manifest & { spec: { egress: { ports: { port: number }[] }[] } }) | undefined;
  return { settings, env: container.env ?? [], egressPorts: policy?.spec.egress.flatMap((e) => e.ports.map((p) => p.port)) ?? [] };
}

describe("chart: OpenTelemetry", () => {
  it("renders no OTEL_* variable and no Collector egress by default", () => {
    const { settings, env, egressPorts } = rendered();
    expect(Object.keys(settings).filter((k) => k.startsWith("OTEL_"))).toEqual([]);
    expect(env.filter((e) => e.name.startsWith("OTEL_"))).toEqual([]);
    expect(egressPorts).not.toContain(4318);
  });

  it("renders the standard variables, the headers from a Secret and the Collector egress when an endpoint is set", () => {
    const { settings, env, egressPorts } = rendered([
      "opentelemetry.endpoint=https://otel-collector.observability:4318",
      "opentelemetry.tracesSampler=parentbased_traceidratio",
      "opentelemetry.tracesSamplerArg=0.25",
      "opentelemetry.headers.existingSecret=otel-headers",
      "networkPolicy.egress.otlpCollector.to[0].ipBlock.cidr=10.20.0.0/16",
    ]);
    expect(settings).toMatchObject({
      OTEL_EXPORTER_OTLP_ENDPOINT: "https://otel-collector.observability:4318",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
      OTEL_SERVICE_NAME: "airlock",
      OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
      OTEL_TRACES_SAMPLER_ARG: "0.25",
      OTEL_METRIC_EXPORT_INTERVAL: "60000",
    });
    expect(settings.OTEL_EXPORTER_OTLP_HEADERS).toBeUndefined();
    expect(env).toContainEqual({ name: "OTEL_EXPORTER_OTLP_HEADERS", valueFrom: { secretKeyRef: { name: "otel-headers", key: "headers" } } });
    expect(egressPorts).toContain(4318);
  });

  it.each([["opentelemetry.endpoint=https://user:secret@collector:4318"], ["opentelemetry.tracesSampler=sometimes"], ["opentelemetry.debug=true"], ["opentelemetry.protocol=grpc"]])("refuses %s", (value) => {
    const result = render({ valuesFiles: [ciValues("default")], set: [value] });
    expect(result.ok).toBe(false);
  });
});
