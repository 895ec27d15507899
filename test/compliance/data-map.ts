import { readFileSync } from "node:fs";
import path from "node:path";
import YAML from "yaml";
import { z } from "zod";
import { repoRoot } from "./source-scan.js";

// The shape of compliance/data-map.yaml: every entry names its category, purpose, lawful basis,
// retention and location from the lists the file itself defines.

const retention = z.union([z.object({ policy: z.string() }).strict(), z.object({ rule: z.string().min(10) }).strict()]);

const column = z.object({ category: z.string(), note: z.string().optional() }).strict();
const table = z
  .object({
    purpose: z.string().min(10),
    lawfulBasis: z.string(),
    retention,
    location: z.string(),
    columns: z.record(z.string(), column),
  })
  .strict();
const clientSide = z
  .object({ category: z.string(), purpose: z.string().min(10), lawfulBasis: z.string(), retention, location: z.string(), consent: z.string().min(10) })
  .strict();

export const dataMapSchema = z
  .object({
    version: z.literal(1),
    locations: z.record(z.string(), z.string()),
    categories: z.record(z.string(), z.string()),
    lawfulBases: z.record(z.string(), z.string()),
    databases: z.object({ main: z.record(z.string(), table), vault: z.record(z.string(), table) }).strict(),
    cookies: z.record(z.string(), clientSide),
    browserStorage: z.record(z.string(), clientSide),
    metrics: z
      .object({
        location: z.string().min(10),
        lawfulBasis: z.string(),
        retention: z.string().min(10),
        families: z.record(z.string(), z.object({ category: z.string(), purpose: z.string().min(10), labels: z.array(z.string()) }).strict()),
      })
      .strict(),
    bus: z
      .object({
        location: z.string().min(10),
        lawfulBasis: z.string(),
        retention: z.string().min(10),
        channels: z.record(z.string(), z.object({ category: z.string(), purpose: z.string().min(10) }).strict()),
        /** Expiring keys of the shared visit store (several replicas). */
        keys: z.record(z.string(), z.object({ category: z.string(), purpose: z.string().min(10) }).strict()).optional(),
      })
      .strict(),
    /** OpenTelemetry export: resource and span attributes, metric instruments (docs/opentelemetry.md). */
    telemetry: z
      .object({
        location: z.string().min(10),
        lawfulBasis: z.string(),
        retention: z.string().min(10),
        resourceAttributes: z.record(z.string(), z.object({ category: z.string(), purpose: z.string().min(10) }).strict()),
        spanAttributes: z.record(z.string(), z.object({ category: z.string(), purpose: z.string().min(10) }).strict()),
        metricInstruments: z.record(z.string(), z.object({ category: z.string(), purpose: z.string().min(10), attributes: z.array(z.string()) }).strict()),
      })
      .strict(),
    logFields: z.record(z.string(), z.object({ category: z.string(), purpose: z.string().min(3) }).strict()),
    logLocation: z.string(),
    logRetention: z.string(),
    logLawfulBasis: z.string(),
  })
  .strict();

export type DataMap = z.infer<typeof dataMapSchema>;

export function loadDataMap(): DataMap {
  return dataMapSchema.parse(YAML.parse(readFileSync(path.join(repoRoot, "compliance/data-map.yaml"), "utf8")));
}

/** Every reference inside the map that points at something the map (or retention.yaml) does not define. */
export function danglingReferences(map: DataMap): string[] {
  const retentionKeys = Object.keys(YAML.parse(readFileSync(path.join(repoRoot, "policies/retention.yaml"), "utf8")) as Record<string, unknown>).filter((k) => k !== "version");
  const problems: string[] = [];
  const check = (where: string, kind: "categories" | "lawfulBases" | "locations", value: string) => {
    if (!(value in map[kind])) problems.push(`${where}: ${kind} has no "${value}"`);
  };
  const checkRetention = (where: string, r: z.infer<typeof retention>) => {
    if ("policy" in r && !retentionKeys.includes(r.policy)) problems.push(`${where}: policies/retention.yaml has no "${r.policy}"`);
  };
  for (const [db, tables] of Object.entries(map.databases)) {
    for (const [name, t] of Object.entries(tables)) {
      check(`${db}.${name}`, "lawfulBases", t.lawfulBasis);
      check(`${db}.${name}`, "locations", t.location);
      checkRetention(`${db}.${name}`, t.retention);
      for (const [col, c] of Object.entries(t.columns)) check(`${db}.${name}.${col}`, "categories", c.category);
    }
  }
  for (const [name, item] of [...Object.entries(map.cookies), ...Object.entries(map.browserStorage)]) {
    check(name, "categories", item.category);
    check(name, "lawfulBases", item.lawfulBasis);
    check(name, "locations", item.location);
    checkRetention(name, item.retention);
  }
  for (const [name, f] of Object.entries(map.logFields)) check(`log field ${name}`, "categories", f.category);
  for (const [name, f] of Object.entries(map.metrics.families)) check(`metric ${name}`, "categories", f.category);
  for (const [name, c] of Object.entries(map.bus.channels)) check(`bus channel ${name}`, "categories", c.category);
  for (const [name, k] of Object.entries(map.bus.keys ?? {})) check(`redis key ${name}`, "categories", k.category);
  for (const [name, a] of [...Object.entries(map.telemetry.resourceAttributes), ...Object.entries(map.telemetry.spanAttributes), ...Object.entries(map.telemetry.metricInstruments)]) {
    check(`telemetry ${name}`, "categories", a.category);
  }
  check("telemetry", "lawfulBases", map.telemetry.lawfulBasis);
  check("metrics", "lawfulBases", map.metrics.lawfulBasis);
  check("bus", "lawfulBases", map.bus.lawfulBasis);
  check("logLocation", "locations", map.logLocation);
  check("logLawfulBasis", "lawfulBases", map.logLawfulBasis);
  return problems;
}
