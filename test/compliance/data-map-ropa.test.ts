import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataMap } from "./data-map.js";
import { repoRoot } from "./source-scan.js";

// The lawful basis of each table in the data map must be one the RoPA states for the processing
// activity that names it, and every table holding personal data must be named by an activity:
// relabelling a table's basis, or adding a personal-data table without recording its processing,
// fails here.

const map = loadDataMap();
/** The article each lawful-basis key of the data map stands for, as the RoPA writes it. */
const ARTICLE: Record<string, string> = { contract: "6(1)(b)", "legal-obligation": "6(1)(c)", "legitimate-interest": "6(1)(f)", employment: "Art. 88" };

const tables = new Map(Object.values(map.databases).flatMap((ts) => Object.entries(ts)));
const activities = readFileSync(path.join(repoRoot, "compliance/ropa.md"), "utf8")
  .split("\n")
  .filter((line) => /^\| \d+ \|/.test(line))
  .map((line) => {
    const cells = line.split(" | ");
    const named = new Set([...line.matchAll(/`([a-z_]+)(?:\.[a-z_]+)?`/g)].map((m) => m[1] ?? "").filter((t) => tables.has(t)));
    return { activity: `${cells[0]?.slice(2)} ${cells[1]}`, basis: cells[5] ?? "", named };
  });

describe("data map and RoPA agree (compliance/data-map.yaml, compliance/ropa.md)", () => {
  it("knows the article of every lawful basis the data map uses", () => {
    expect(Object.keys(map.lawfulBases).filter((k) => !(k in ARTICLE))).toEqual([]);
  });

  it("gives each table a lawful basis that the RoPA states for every activity naming it", () => {
    const problems: string[] = [];
    for (const { activity, basis, named } of activities) {
      for (const table of named) {
        const key = tables.get(table)?.lawfulBasis ?? "";
        if (!basis.includes(ARTICLE[key] ?? key)) problems.push(`${table} (${key}, ${ARTICLE[key]}) is processed in RoPA activity ${activity}, whose basis is "${basis}"`);
      }
    }
    expect(activities.length).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });

  it("names every table that holds personal data in a RoPA activity", () => {
    const named = new Set(activities.flatMap((a) => [...a.named]));
    const personal = [...tables].filter(([, t]) => Object.values(t.columns).some((c) => c.category !== "technical-metadata")).map(([name]) => name);
    expect(personal.filter((t) => !named.has(t))).toEqual([]);
  });
});
