import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { Config } from "../config/schema.js";

export interface MasterKey {
  readonly id: string;
  readonly key: Uint8Array;
}

/** All known master keys by id; `current` encrypts new data, the others only decrypt. */
export interface MasterKeyRing {
  readonly current: MasterKey;
  byId(id: string): MasterKey | undefined;
}

const devKeyFile = "master.key";

/**
 * Loads the master key ring from `masterKey` or `masterKeyFile` (one `KEYID:BASE64` per line,
 * the last line current). In dev mode without either, a key is generated once under dataDir
 * with 0600 permissions; production refuses to start without a key (a config rule).
 */
export function loadMasterKeys(config: Config): MasterKeyRing {
  if (config.masterKey) return ring(parseLines(config.masterKey, "masterKey"));
  if (config.masterKeyFile) return ring(parseLines(readFileSync(config.masterKeyFile, "utf8"), "masterKeyFile"));
  if (config.mode !== "dev") throw new Error("an encryption master key is required (masterKeyFile or masterKey)");
  const file = path.join(config.dataDir, devKeyFile);
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(file, `dev-1:${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  }
  chmodSync(file, 0o600);
  return ring(parseLines(readFileSync(file, "utf8"), file));
}

function parseLines(text: string, source: string): MasterKey[] {
  const keys = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((line, i) => {
      const match = /^([A-Za-z0-9._-]{1,64}):([A-Za-z0-9+/=]+)$/.exec(line);
      const key = match?.[2] ? Buffer.from(match[2], "base64") : undefined;
      if (!match?.[1] || !key || key.length !== 32) throw new Error(`${source}: line ${i + 1} is not KEYID:BASE64 of 32 bytes`);
      return { id: match[1], key: new Uint8Array(key) };
    });
  if (keys.length === 0) throw new Error(`${source}: no master key found`);
  return keys;
}

function ring(keys: MasterKey[]): MasterKeyRing {
  const map = new Map(keys.map((k) => [k.id, k]));
  const current = keys[keys.length - 1] as MasterKey;
  return { current, byId: (id) => map.get(id) };
}
