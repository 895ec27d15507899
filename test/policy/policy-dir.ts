import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { shippedPolicyDir } from "../../src/policy/load.js";

/** The shipped text of one policy file. */
export function shipped(file: string): string {
  return readFileSync(path.join(shippedPolicyDir, file), "utf8");
}

/** `text` with exactly one occurrence of `from` replaced (fails loudly if the shipped file changed). */
export function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`expected exactly one "${from}" in the policy text`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

/** 1-based line of the first occurrence of `needle`. */
export function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0) throw new Error(`"${needle}" not found`);
  return text.slice(0, at).split("\n").length;
}

/** A fresh override folder holding the given files (name → text). */
export function policyDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-policy-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** The shipped sites.yaml plus a test site "bank" (site key bank-site-key-00001) on `origins`. */
export function bankSitesYaml(...origins: string[]): string {
  return replaceOnce(
    shipped("sites.yaml"),
    "sites:\n",
    `sites:\n  bank:\n    name: Test bank\n    siteKey: bank-site-key-00001\n    origins: [${origins.join(", ")}]\n    asvs: [V4.4.2]\n`,
  );
}
