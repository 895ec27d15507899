import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/cli.js";

// An OTEL_* value Airlock cannot honour is invalid configuration: `config check` (and every
// command, `serve` included) exits 2 naming the variable, before anything starts.

const dir = mkdtempSync(path.join(tmpdir(), "airlock-otel-cli-"));

describe("airlock config check with OTEL_* variables", () => {
  it("exits 2 naming an OTEL_* variable Airlock cannot honour", () => {
    const r = runCli(["config", "check"], { AIRLOCK_DATA_DIR: dir, OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('OTEL_EXPORTER_OTLP_PROTOCOL (environment): "grpc" is not supported');
  });

  it("ignores every other OTEL_* variable while OTEL_SDK_DISABLED=true", () => {
    const r = runCli(["config", "check"], { AIRLOCK_DATA_DIR: dir, OTEL_SDK_DISABLED: "true", OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" });
    expect(r.status).toBe(0);
  });
});
