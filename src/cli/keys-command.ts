import type { Command } from "commander";
import { loadMasterKeys } from "../auth/master-keys.js";
import { keyIdsIn, writableKeyFile } from "../crypto/key-file.js";
import { retireMasterKey, rotateMasterKey } from "../crypto/rotation.js";
import { KeyVault } from "../crypto/vault/key-vault.js";
import { configOrExit } from "./load-config.js";
import { emit, table } from "./output.js";

// Key ids are printed; key material never is.
export function registerKeysCommand(program: Command): void {
  const keys = program.command("keys").description("manage the master keys that wrap chat data keys (encryption at rest)");

  keys
    .command("status")
    .description("list master key ids (the last is current) and how many data keys each wraps")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const json = Boolean(opts.json);
      const config = configOrExit(json);
      const ring = loadMasterKeys(config);
      const file = writableKeyFile(config);
      const vault = await KeyVault.open(config.keyVaultUrl, { poolSize: 2, tls: config });
      try {
        const counts = await vault.countByMasterKey();
        const ids = file ? keyIdsIn(file) : [ring.current.id];
        emit(json, { current: ring.current.id, keys: ids, dataKeys: counts, managedByAirlock: file !== undefined }, () =>
          table([["master key", "data keys", ""], ...ids.map((id) => [id, String(counts[id] ?? 0), id === ring.current.id ? "current" : ""])]),
        );
      } finally {
        await vault.close();
      }
    });

  keys
    .command("rotate")
    .description("add a new master key (to masterKeyFile) and re-wrap every data key in the key vault under it; Airlock keeps running")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const json = Boolean(opts.json);
      const config = configOrExit(json);
      const vault = await KeyVault.open(config.keyVaultUrl, { poolSize: 2, tls: config });
      try {
        const outcome = await rotateMasterKey(config, vault, Date.now());
        emit(json, outcome, () =>
          `${outcome.generated ? "new master key" : "master key"} ${outcome.currentKeyId} is current; ${outcome.rewrapped} data keys re-wrapped` +
          (outcome.generated ? "" : "\n(masterKey is given inline: the new key was provided by you, not generated)"),
        );
      } finally {
        await vault.close();
      }
    });

  keys
    .command("retire")
    .description("remove an old master key from masterKeyFile once nothing in the key vault is wrapped under it; vault backups made while it was in use can no longer be unwrapped")
    .requiredOption("--key-id <id>", "the master key id to retire")
    .option("--grace-ms <ms>", "wait this long first so every replica has reloaded the key file", (v) => {
      if (!/^\d+$/.test(v)) throw new Error("--grace-ms takes milliseconds");
      return Number(v);
    })
    .option("--json", "print JSON")
    .action(async (opts: { keyId: string; graceMs?: number; json?: boolean }) => {
      const json = Boolean(opts.json);
      const config = configOrExit(json);
      const vault = await KeyVault.open(config.keyVaultUrl, { poolSize: 2, tls: config });
      try {
        const outcome = await retireMasterKey(config, vault, opts.keyId, Date.now(), opts.graceMs ?? 5_000);
        emit(json, outcome, () => `master key ${outcome.retired} retired (${outcome.rewrapped} late data keys re-wrapped first)`);
      } finally {
        await vault.close();
      }
    });
}
