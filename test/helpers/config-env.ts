import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError } from "../../src/config/errors.js";
import { loadConfig } from "../../src/config/load.js";

/**
 * Environment of a production instance whose config loads: an https public URL, an OIDC IdP and
 * a master key file (in a fresh temp dir). Tests add the one setting they check.
 */
export function productionEnv(): Record<string, string> {
  const keyFile = path.join(mkdtempSync(path.join(tmpdir(), "airlock-prodcfg-")), "master.keys");
  writeFileSync(keyFile, `k1:${Buffer.alloc(32, 1).toString("base64")}\n`, { mode: 0o600 });
  return {
    AIRLOCK_MODE: "production",
    AIRLOCK_PUBLIC_URL: "https://airlock.bank.example",
    AIRLOCK_IDP: "oidc",
    AIRLOCK_OIDC_ISSUER: "https://idp.bank.example",
    AIRLOCK_OIDC_CLIENT_ID: "airlock",
    AIRLOCK_OIDC_CLIENT_SECRET: "s3cret",
    AIRLOCK_MASTER_KEY_FILE: keyFile,
  };
}

/** The fields and messages loadConfig refuses `env` with; empty when it loads. */
export function configIssues(env: Record<string, string>): { field: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (e) {
    if (e instanceof ConfigError) return e.issues.map((i) => ({ field: i.field, message: i.message }));
    throw e;
  }
  return [];
}
