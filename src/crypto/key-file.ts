import { randomBytes } from "node:crypto";
import { readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config/schema.js";

/**
 * The file that holds the master keys, when Airlock may change it: `masterKeyFile`, or the
 * generated dev key file. A key given inline (`masterKey`, e.g. from an environment variable)
 * is managed outside Airlock, so rotation then only re-wraps under whatever key is current.
 */
export function writableKeyFile(config: Config): string | undefined {
  if (config.masterKey) return undefined;
  if (config.masterKeyFile) return config.masterKeyFile;
  return config.mode === "dev" ? path.join(config.dataDir, "master.key") : undefined;
}

/** Key ids in file order (the last one is current). Never returns key material. */
export function keyIdsIn(file: string): string[] {
  return keyLines(file).map((l) => l.slice(0, l.indexOf(":")));
}

/** Appends a freshly generated key and makes it current; returns its id (`k<epoch-ms>`, unique per file). */
export function appendNewKey(file: string, now: number): string {
  const lines = keyLines(file);
  let id = `k${now}`;
  for (let n = 2; lines.some((l) => l.startsWith(`${id}:`)); n++) id = `k${now}-${n}`;
  writeAtomically(file, [...lines, `${id}:${randomBytes(32).toString("base64")}`]);
  return id;
}

/** Removes a key from the file (after nothing is wrapped under it any more). Refuses to remove the current key. */
export function removeKey(file: string, keyId: string): void {
  const lines = keyLines(file);
  const kept = lines.filter((l) => !l.startsWith(`${keyId}:`));
  if (kept.length === lines.length) throw new Error(`master key ${keyId} is not in ${file}`);
  if (lines[lines.length - 1]?.startsWith(`${keyId}:`)) throw new Error(`master key ${keyId} is the current key and cannot be retired`);
  writeAtomically(file, kept);
}

/** A cheap change marker for the key file (replicas reload the ring when it moves). */
export function keyFileStamp(file: string): string {
  const s = statSync(file);
  return `${s.mtimeMs}:${s.size}:${s.ino}`;
}

function keyLines(file: string): string[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
}

// Write a sibling temp file and rename it over the original: readers see the old or the new
// file, never a half-written one, and the key material never sits in a world-readable file.
function writeAtomically(file: string, lines: readonly string[]): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  writeFileSync(temp, lines.join("\n") + "\n", { mode: 0o600, flag: "w" });
  renameSync(temp, file);
}
