import { describe, expect, it } from "vitest";
import { METRIC_ATTRIBUTES, SPAN_ATTRIBUTES } from "../../src/telemetry/redaction.js";
import { loadDataMap } from "./data-map.js";

// What OpenTelemetry may export is decided by the allowlists in src/telemetry/redaction.ts; the
// data map must list exactly those keys, so a new attribute cannot ship without its row.

describe("compliance data map: OpenTelemetry", () => {
  const map = loadDataMap();

  it("lists exactly the span attributes the redaction allowlist lets through", () => {
    expect(Object.keys(map.telemetry.spanAttributes).sort()).toEqual(Object.keys(SPAN_ATTRIBUTES).sort());
  });

  it("lists metric instruments whose attributes are all within the metric allowlist", () => {
    const attributes = Object.values(map.telemetry.metricInstruments).flatMap((m) => m.attributes);
    expect(attributes.filter((a) => !(METRIC_ATTRIBUTES as readonly string[]).includes(a))).toEqual([]);
    expect([...new Set(attributes)].sort()).toEqual([...METRIC_ATTRIBUTES].sort());
  });
});
