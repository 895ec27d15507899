import { loadMasterKeys } from "../auth/master-keys.js";
import type { Config } from "../config/schema.js";
import { sodiumReady } from "./aead.js";
import { appendNewKey, keyIdsIn, removeKey, writableKeyFile } from "./key-file.js";
import { rewrapDataKeys } from "./rewrap.js";
import type { KeyVault } from "./vault/key-vault.js";

export interface RotationOutcome {
  /** The master key that now wraps every data key. */
  readonly currentKeyId: string;
  /** True when this run generated the key (a writable key file); false when it was provided. */
  readonly generated: boolean;
  readonly rewrapped: number;
}

/**
 * Introduces a new master key and re-wraps every data key in the vault under it, while Airlock keeps serving:
 * running replicas notice the changed key file and read old and new wraps alike. With an inline
 * key (`masterKey`), the operator provides the new key; this then only re-wraps.
 */
export async function rotateMasterKey(config: Config, vault: KeyVault, now: number): Promise<RotationOutcome> {
  await sodiumReady();
  const file = writableKeyFile(config);
  const generated = file !== undefined;
  if (file) {
    loadMasterKeys(config); // creates the dev key file on first use, and validates the file before changing it
    appendNewKey(file, now);
  }
  const ring = loadMasterKeys(config);
  const rewrapped = await rewrapDataKeys(vault, ring, now);
  return { currentKeyId: ring.current.id, generated, rewrapped };
}

export interface RetireOutcome {
  readonly retired: string;
  readonly rewrapped: number;
}

/**
 * Removes an old master key from the key file once nothing is wrapped under it. Anything still
 * wrapped under it (a replica that had not yet seen the rotation) is re-wrapped first, after
 * `graceMs` so every replica has reloaded the ring. Vault copies (backups) taken while that key
 * was in use can no longer be unwrapped afterwards.
 */
export async function retireMasterKey(config: Config, vault: KeyVault, keyId: string, now: number, graceMs: number): Promise<RetireOutcome> {
  await sodiumReady();
  const file = writableKeyFile(config);
  if (!file) throw new Error("the master key is given inline (masterKey); retire it where it is managed, after `keys rotate`");
  const ids = keyIdsIn(file);
  if (!ids.includes(keyId)) throw new Error(`master key ${keyId} is not in the key file`);
  if (ids[ids.length - 1] === keyId) throw new Error(`master key ${keyId} is current; run "keys rotate" first`);
  if (graceMs > 0) await new Promise((resolve) => setTimeout(resolve, graceMs));
  const rewrapped = await rewrapDataKeys(vault, loadMasterKeys(config), now);
  const left = (await vault.countByMasterKey())[keyId] ?? 0;
  if (left > 0) throw new Error(`${left} data keys are still wrapped under ${keyId}; run the command again`);
  removeKey(file, keyId);
  return { retired: keyId, rewrapped };
}
