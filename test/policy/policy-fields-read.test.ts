import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { policyFiles } from "../../src/policy/schema/index.js";

// Every field the policy schema validates must be read by some code: a field that is checked but
// never read looks like a setting an operator can rely on while it changes nothing (as
// `cobrowse.maxSession` once did). The schema is walked to its leaf fields; for each, some source
// file outside the schema must read the leaf under its parent (`maxSession.minutes`,
// `{ minutes } = ….maxSession`, `canvas.enabled` after `const { canvas } = …`). Fields the schema
// fixes to one value carry no choice and need no reader; fields read generically (every rule's
// `asvs`) name the code that does it, and that code is checked too.

interface Leaf {
  /** Dotted path, `*` for a key of a record, `[]` for an item of a list. */
  readonly path: string;
  /** The field's own name and the nearest named field above it. */
  readonly name: string;
  readonly parent: string;
  /** The schema admits one value only (a literal), or none (a retired field, refused when present). */
  readonly fixed: boolean;
}

type ZodDef = { readonly type: string } & Readonly<Record<string, unknown>>;
const defOf = (schema: unknown): ZodDef => (schema as { _zod: { def: ZodDef } })._zod.def;

/** The leaf fields of a zod schema (objects and records are walked; lists of objects too). */
export function leafFields(schema: unknown, at: readonly string[]): Leaf[] {
  const def = defOf(schema);
  switch (def.type) {
    case "object":
      return Object.entries(def.shape as Record<string, unknown>).flatMap(([key, inner]) => leafFields(inner, [...at, key]));
    case "record":
      return leafFields(def.valueType, [...at, "*"]);
    case "default":
    case "prefault":
    case "optional":
    case "nullable":
    case "readonly":
      return leafFields(def.innerType, at);
    case "pipe":
      return leafFields(def.in, at);
    case "array":
      if (defOf(def.element).type === "object") return leafFields(def.element, [...at, "[]"]);
      break;
  }
  const named = at.filter((s) => s !== "*" && s !== "[]");
  return [{ path: at.join("."), name: named.at(-1) ?? "", parent: named.at(-2) ?? "", fixed: (def.type === "literal" && (def.values as unknown[]).length === 1) || def.type === "undefined" }];
}

/**
 * Fields read for every rule by code that walks the policy (by path pattern), and the file that
 * does it; the test checks that file really reads the field.
 */
const GENERIC_READERS: readonly { readonly paths: RegExp; readonly file: string; readonly reads: RegExp; readonly why: string }[] = [
  { paths: /\.asvs$/, file: "src/policy/evaluate.ts", reads: /\.asvs\b/, why: "every decision cites the ASVS requirements of the rule that made it" },
  { paths: /\.description$/, file: "src/console/ui/pages/policy-data-view.ts", reads: /description/, why: "shown with each rule on the effective-policy page" },
  { paths: /^retention\.\w+\.days$/, file: "src/retention/scheduler.ts", reads: /policy\[kind\]\.days/, why: "each retention kind's period, read by kind" },
];

/** Validated and read by nothing: empty, and only ever shrinking — a field nothing reads is removed or wired in, never listed. */
const NOT_YET_READ: readonly string[] = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    if (statSync(full).isDirectory()) return full.endsWith(path.join("policy", "schema")) ? [] : sourceFiles(full);
    return full.endsWith(".ts") && !full.endsWith(".test.ts") ? [full] : [];
  });
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Whether `text` reads field `name` of something called `parent`: the file names the parent and
 * reads the field (`x.minutes`, `x?.minutes`, `{ minutes } = x`, `x["minutes"]`).
 */
export function readsField(text: string, parent: string, name: string): boolean {
  const n = escape(name);
  const namesParent = parent === "" || new RegExp(`\\b${escape(parent)}\\b`).test(text);
  const reads = [new RegExp(`\\??\\.${n}\\b`), new RegExp(`\\{[^{}=;]{0,160}\\b${n}\\b[^{}=;]{0,160}\\}\\s*=`), new RegExp(`\\[\\s*["']${n}["']\\s*\\]`)];
  return namesParent && reads.some((re) => re.test(text));
}

export function unreadFields(leaves: readonly Leaf[], sources: readonly string[]): string[] {
  return leaves
    .filter((leaf) => !leaf.fixed && !GENERIC_READERS.some((g) => g.paths.test(leaf.path)))
    .filter((leaf) => !sources.some((text) => readsField(text, leaf.parent, leaf.name)))
    .map((leaf) => leaf.path);
}

const root = path.resolve(".");
const allLeaves = Object.entries(policyFiles).flatMap(([key, { schema }]) => leafFields(schema, [key]));
const sources = sourceFiles(path.join(root, "src")).map((f) => readFileSync(f, "utf8"));

describe("policy fields are read by code", () => {
  it("finds the leaf fields of every policy file", () => {
    const paths = allLeaves.map((l) => l.path);
    expect(paths).toContain("cobrowse.maxSession.minutes");
    expect(paths).toContain("cobrowse.agentInactivity.seconds");
    expect(paths).toContain("access.roles.*.permissions");
    expect(allLeaves.length).toBeGreaterThan(30);
  });

  it("every validated policy field is read by some code outside the schema", () => {
    expect(unreadFields(allLeaves, sources)).toEqual(NOT_YET_READ);
  });

  it("each generically read field is read where the list says", () => {
    for (const { paths, file, reads } of GENERIC_READERS) {
      expect(allLeaves.some((l) => paths.test(l.path)), `${String(paths)} matches policy fields`).toBe(true);
      expect(reads.test(readFileSync(path.join(root, file), "utf8")), `${file} reads ${String(paths)}`).toBe(true);
    }
  });

  it("can fail: a field nothing reads is reported, and so is one whose only reader is gone", () => {
    const renamed = allLeaves.map((l) => (l.path === "cobrowse.maxSession.minutes" ? { ...l, name: "neverReadAnywhere" } : l));
    expect(unreadFields(renamed, sources)).toContain("cobrowse.maxSession.minutes");
    // The visits (src/relay/visits/visits.ts) are agentInactivity's only reader.
    const withoutVisits = sourceFiles(path.join(root, "src"))
      .filter((f) => !f.endsWith(path.join("relay", "visits", "visits.ts")))
      .map((f) => readFileSync(f, "utf8"));
    expect(unreadFields(allLeaves, withoutVisits)).toContain("cobrowse.agentInactivity.seconds");
  });
});
