import { loadMasterKeys, type MasterKey, type MasterKeyRing } from "../auth/master-keys.js";
import type { Config } from "../config/schema.js";
import { keyFileStamp, writableKeyFile } from "./key-file.js";

export interface ReloadOptions {
  readonly now?: () => number;
  /** Shortest time between two reloads. */
  readonly minReloadMs?: number;
  /** Changes whenever the key source changes (the key file's mtime/size/inode). */
  readonly stamp?: () => string;
}

/**
 * The master key ring of a running process. Rotation rewrites the mounted key file while
 * replicas keep running: a replica re-reads it when the file changes (checked at most once per
 * `minReloadMs` when the current key is asked for) and whenever it meets a key id it does not
 * know yet, so rotation needs no restart and no replica keeps wrapping under a retired key.
 */
export class ReloadingKeyRing implements MasterKeyRing {
  #ring: MasterKeyRing;
  #lastCheck: number;
  #stamp: string | undefined;
  readonly #now: () => number;
  readonly #minReloadMs: number;
  readonly #stampOf: (() => string) | undefined;

  constructor(
    private readonly load: () => MasterKeyRing,
    options: ReloadOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#minReloadMs = options.minReloadMs ?? 1_000;
    this.#stampOf = options.stamp;
    this.#stamp = this.#stampOf?.();
    this.#ring = load();
    this.#lastCheck = this.#now();
  }

  static fromConfig(config: Config): ReloadingKeyRing {
    const file = config.masterKeyFile ?? writableKeyFile(config);
    const ring = new ReloadingKeyRing(() => loadMasterKeys(config), file ? { stamp: () => keyFileStamp(file) } : {});
    return ring;
  }

  get current(): MasterKey {
    if (this.#stampOf && this.#now() - this.#lastCheck >= this.#minReloadMs) {
      this.#lastCheck = this.#now();
      const stamp = this.#stampOf();
      if (stamp !== this.#stamp) this.reload();
    }
    return this.#ring.current;
  }

  byId(id: string): MasterKey | undefined {
    const found = this.#ring.byId(id);
    if (found) return found;
    // An unknown id means a rotation happened elsewhere: a changed file reloads at once.
    const changed = this.#stampOf !== undefined && this.#stampOf() !== this.#stamp;
    if (!changed && this.#now() - this.#lastCheck < this.#minReloadMs) return undefined;
    this.reload();
    return this.#ring.byId(id);
  }

  /** Re-reads the key source; if it is broken, the previous ring stays and the error is thrown. */
  reload(): void {
    this.#lastCheck = this.#now();
    const stamp = this.#stampOf?.();
    this.#ring = this.load();
    this.#stamp = stamp;
  }
}
