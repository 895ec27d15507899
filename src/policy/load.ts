import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LineCounter, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { canonicalJson, sha256Hex } from "./canonical-hash.js";
import { crossFileIssues, type Located } from "./cross-checks.js";
import { PolicyError, type PolicyIssue } from "./errors.js";
import { policyFiles, type Policy, type PolicyFileKey } from "./schema/index.js";
import { fieldName, locate } from "./yaml-locate.js";

/** The policies shipped with Airlock (`policies/` at the package root, next to `src/` and `dist/`). */
export const shippedPolicyDir = fileURLToPath(new URL("../../policies/", import.meta.url));

export interface PolicySource {
  /** Folder with every policy file (the shipped defaults). */
  readonly shippedDir: string;
  /** Folder whose files replace the shipped file of the same name (config `policyDir`). */
  readonly overrideDir?: string | undefined;
  readonly mode: "dev" | "production";
}

export interface LoadedPolicy {
  readonly policy: Policy;
  /** SHA-256 over the canonical JSON of the effective policy. */
  readonly hash: string;
  /** The file each part was read from. */
  readonly files: Readonly<Record<PolicyFileKey, string>>;
}

export function policySourceFor(config: { readonly policyDir?: string | undefined; readonly mode: "dev" | "production" }): PolicySource {
  return { shippedDir: shippedPolicyDir, overrideDir: config.policyDir, mode: config.mode };
}

/** Reads and validates every policy file; throws PolicyError listing each problem with file, line and field. */
export function loadPolicy(source: PolicySource): LoadedPolicy {
  const issues: PolicyIssue[] = [...unknownOverrideFiles(source.overrideDir)];
  const parsed: Partial<Record<PolicyFileKey, unknown>> = {};
  const located: Partial<Record<PolicyFileKey, Located>> = {};
  const files: Partial<Record<PolicyFileKey, string>> = {};
  for (const key of Object.keys(policyFiles) as PolicyFileKey[]) {
    const { file, schema } = policyFiles[key] as { file: string; schema: z.ZodType<unknown, unknown> };
    const chosen = pickFile(source, file);
    files[key] = chosen;
    const result = readPolicyFile(chosen, schema);
    issues.push(...result.issues);
    if (result.value !== undefined && result.doc) {
      parsed[key] = result.value;
      located[key] = { file: chosen, doc: result.doc, lines: result.lines };
    }
  }
  if (issues.length > 0) throw new PolicyError(issues);
  const policy = Object.freeze(parsed) as Policy;
  const crossIssues = crossFileIssues(policy, located as Record<PolicyFileKey, Located>, source.mode);
  if (crossIssues.length > 0) throw new PolicyError(crossIssues);
  return { policy: deepFreeze(policy), hash: sha256Hex(canonicalJson(policy)), files: files as Record<PolicyFileKey, string> };
}

function pickFile(source: PolicySource, file: string): string {
  if (source.overrideDir) {
    const candidate = path.join(source.overrideDir, file);
    if (existsSync(candidate)) return candidate;
  }
  return path.join(source.shippedDir, file);
}

const knownFiles = new Set(Object.values(policyFiles).map((f) => f.file));

/** A misspelt file name in the override folder would silently keep the shipped rule: refuse it. */
function unknownOverrideFiles(dir: string | undefined): PolicyIssue[] {
  if (!dir) return [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    return [{ file: dir, line: 0, column: 0, field: "(folder)", message: `cannot read policy folder: ${(e as Error).message}` }];
  }
  return names
    .filter((n) => /\.ya?ml$/i.test(n) && !n.startsWith(".") && !knownFiles.has(n) && statSync(path.join(dir, n)).isFile())
    .map((n) => ({
      file: path.join(dir, n),
      line: 0,
      column: 0,
      field: "(file)",
      message: `unknown policy file; expected one of ${[...knownFiles].join(", ")}`,
    }));
}

interface FileResult<T> {
  readonly value: T | undefined;
  readonly doc: Document | undefined;
  readonly lines: LineCounter;
  readonly issues: PolicyIssue[];
}

function readPolicyFile<T>(file: string, schema: z.ZodType<T, unknown>): FileResult<T> {
  const lines = new LineCounter();
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    const message = (e as NodeJS.ErrnoException).code === "ENOENT" ? "policy file is missing" : `cannot read policy file: ${(e as Error).message}`;
    return { value: undefined, doc: undefined, lines, issues: [{ file, line: 0, column: 0, field: "(file)", message }] };
  }
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((e) => {
      const pos = lines.linePos(e.pos[0]);
      return { file, line: pos.line, column: pos.col, field: "(yaml)", message: firstLine(e.message) };
    });
    return { value: undefined, doc: undefined, lines, issues };
  }
  const result = schema.safeParse(doc.toJS({ maxAliasCount: 0 }));
  if (result.success) return { value: result.data, doc, lines, issues: [] };
  const issues: PolicyIssue[] = [];
  for (const issue of result.error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({ file, ...locate(doc, lines, issue.path, key), field: fieldName([...issue.path, key]), message: "unknown key" });
      }
    } else {
      issues.push({ file, ...locate(doc, lines, issue.path), field: fieldName(issue.path), message: readable(issue.message) });
    }
  }
  return { value: undefined, doc, lines, issues };
}

/** zod says "expected object, received undefined" for a missing field; say it plainly. */
function readable(message: string): string {
  const missing = /^Invalid input: expected (\w+), received undefined$/.exec(message);
  return missing ? `required field is missing (expected ${missing[1]})` : message;
}

function firstLine(message: string): string {
  return (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "");
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  } else if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
