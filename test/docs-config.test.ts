import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { configSchema, envName } from "../src/config/schema.js";

// docs/configuration.md is what operators read; it must list exactly the settings the schema
// accepts, under the right environment names, with the real defaults.
const doc = readFileSync(new URL("../docs/configuration.md", import.meta.url), "utf8");
const rows = doc
  .split("\n")
  .filter((l) => /^\| `[a-zA-Z]+` \|/.test(l))
  .map((l) => l.split("|").slice(1, -1).map((c) => c.trim()));

function schemaDefault(key: string): string {
  const full = configSchema.safeParse({});
  if (!full.success) throw full.error;
  const value = (full.data as Record<string, unknown>)[key];
  return value === undefined ? "—" : `\`${JSON.stringify(value)}\``;
}

describe("docs/configuration.md", () => {
  const keys = Object.keys(configSchema.shape);

  it("lists every setting exactly once, and nothing else", () => {
    expect(rows.map((r) => r[0]?.replace(/`/g, "")).sort()).toEqual([...keys].sort());
  });

  it.each(keys)("documents %s with its environment variable, default and a description", (key) => {
    const row = rows.find((r) => r[0] === `\`${key}\``);
    expect(row, `no row for ${key}`).toBeDefined();
    expect(row?.[1]).toBe(`\`${envName(key)}\``);
    expect(row?.[2]).toBe(schemaDefault(key));
    expect(row?.[3]?.length ?? 0).toBeGreaterThan(10);
  });
});
