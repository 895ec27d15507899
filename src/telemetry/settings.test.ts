import { describe, expect, it } from "vitest";
import { TelemetrySettingsError, telemetrySettings } from "./settings.js";

const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };

describe("OTEL_* settings", () => {
  it("is off without an OTLP endpoint, and with OTEL_SDK_DISABLED=true even with one", () => {
    expect(telemetrySettings({})).toBeUndefined();
    expect(telemetrySettings({ OTEL_SERVICE_NAME: "x", OTEL_TRACES_SAMPLER: "always_on" })).toBeUndefined();
    expect(telemetrySettings({ ...endpoint, OTEL_SDK_DISABLED: "true" })).toBeUndefined();
    expect(telemetrySettings({ ...endpoint, OTEL_SDK_DISABLED: "TRUE" })).toBeUndefined();
  });

  it("derives the signal URLs, defaults to http/protobuf and honours the signal-specific variables", () => {
    expect(telemetrySettings(endpoint)).toMatchObject({
      serviceName: "airlock",
      tracesUrl: "http://127.0.0.1:4318/v1/traces",
      metricsUrl: "http://127.0.0.1:4318/v1/metrics",
      tracesProtocol: "http/protobuf",
      metricExportIntervalMs: 60_000,
    });
    expect(
      telemetrySettings({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://collector.example:4318/custom/traces",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: "http/protobuf",
        OTEL_METRICS_EXPORTER: "none",
        OTEL_SERVICE_NAME: "airlock-eu1",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment.name=prod,k8s.namespace.name=air%20lock",
        OTEL_METRIC_EXPORT_INTERVAL: "15000",
      }),
    ).toMatchObject({
      serviceName: "airlock-eu1",
      tracesUrl: "https://collector.example:4318/custom/traces",
      tracesProtocol: "http/json",
      metricsUrl: undefined,
      metricsProtocol: "http/protobuf",
      metricExportIntervalMs: 15_000,
      resourceAttributes: { "deployment.environment.name": "prod", "k8s.namespace.name": "air lock" },
    });
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "OTEL_EXPORTER_OTLP_PROTOCOL"],
    [{ OTEL_CONFIG_FILE: "/etc/otel.yaml" }, "OTEL_CONFIG_FILE"],
    [{ OTEL_TRACES_SAMPLER: "sometimes" }, "OTEL_TRACES_SAMPLER"],
    [{ OTEL_TRACES_SAMPLER_ARG: "2" }, "OTEL_TRACES_SAMPLER_ARG"],
    [{ OTEL_TRACES_EXPORTER: "zipkin" }, "OTEL_TRACES_EXPORTER"],
    [{ OTEL_PROPAGATORS: "b3" }, "OTEL_PROPAGATORS"],
    [{ OTEL_RESOURCE_ATTRIBUTES: "user.email=someone@example.org" }, "OTEL_RESOURCE_ATTRIBUTES"],
    [{ OTEL_RESOURCE_ATTRIBUTES: "host.name" }, "OTEL_RESOURCE_ATTRIBUTES"],
    [{ OTEL_METRIC_EXPORT_INTERVAL: "soon" }, "OTEL_METRIC_EXPORT_INTERVAL"],
    [{ OTEL_SDK_DISABLED: "maybe" }, "OTEL_SDK_DISABLED"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "ftp://collector" }, "OTEL_EXPORTER_OTLP_ENDPOINT"],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "https://user:secret@collector" }, "OTEL_EXPORTER_OTLP_ENDPOINT"],
  ])("refuses %o naming %s", (env, variable) => {
    let caught: unknown;
    try {
      telemetrySettings({ ...endpoint, ...env });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TelemetrySettingsError);
    expect((caught as TelemetrySettingsError).variable).toBe(variable);
    expect((caught as Error).message).not.toContain("secret");
  });
});
