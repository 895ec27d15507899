import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { AirlockError } from "../errors.js";

// The console's built files (scripts/build-console.mjs → dist/console/). Only the names listed
// here are served, so no request path ever reaches the file system.

// Two levels below the project root both in src/ (tests) and in dist/ (builds).
const distDir = new URL("../../dist/console/", import.meta.url);

const assetTypes: Readonly<Record<string, string>> = {
  "console.js": "text/javascript; charset=utf-8",
  "console-style.css": "text/css; charset=utf-8",
};

export interface ConsoleAsset {
  readonly type: string;
  readonly raw: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
}

const cache = new Map<string, ConsoleAsset>();

/** The built asset called `name`, read and precompressed once; `not_found` for anything else. */
export function consoleAsset(name: string): ConsoleAsset {
  const type = assetTypes[name];
  if (!type) throw new AirlockError("not_found", "no such console asset");
  const hit = cache.get(name);
  if (hit) return hit;
  let raw: Buffer;
  try {
    raw = readFileSync(new URL(name, distDir));
  } catch (err) {
    throw new AirlockError("not_found", "the console has not been built (npm run build)", { cause: err });
  }
  const asset = { type, raw, gzip: gzipSync(raw, { level: 9 }), etag: `"${createHash("sha256").update(raw).digest("base64url").slice(0, 27)}"` };
  cache.set(name, asset);
  return asset;
}
