import { beforeAll, describe, expect, it } from "vitest";
import type { MasterKey, MasterKeyRing } from "../auth/master-keys.js";
import { DecryptError, randomKey, sodiumReady } from "./aead.js";
import { newDataKey, rewrapDataKey, unwrapDataKey, UnknownMasterKeyError, wrapDataKey } from "./data-keys.js";
import { ReloadingKeyRing } from "./key-ring.js";

beforeAll(() => sodiumReady());

function ringOf(...keys: MasterKey[]): MasterKeyRing {
  return { current: keys[keys.length - 1] as MasterKey, byId: (id) => keys.find((k) => k.id === id) };
}

describe("data keys wrapped by master keys", () => {
  it("unwrap only for the conversation they were wrapped for", () => {
    const ring = ringOf({ id: "k1", key: randomKey() });
    const dk = newDataKey();
    const wrapped = wrapDataKey(ring, "conv-a", dk);
    expect(wrapped.masterKeyId).toBe("k1");
    expect(Buffer.from(unwrapDataKey(ring, "conv-a", wrapped)).equals(Buffer.from(dk))).toBe(true);
    expect(() => unwrapDataKey(ring, "conv-b", wrapped)).toThrow(DecryptError);
  });

  it("rewrap moves a key to the current master key; the old ring member still opens the old wrap", () => {
    const k1 = { id: "k1", key: randomKey() };
    const k2 = { id: "k2", key: randomKey() };
    const dk = newDataKey();
    const old = wrapDataKey(ringOf(k1), "c", dk);
    const rotated = rewrapDataKey(ringOf(k1, k2), "c", old);
    expect(rotated.masterKeyId).toBe("k2");
    expect(Buffer.from(unwrapDataKey(ringOf(k2), "c", rotated)).equals(Buffer.from(dk))).toBe(true);
    expect(() => unwrapDataKey(ringOf(k2), "c", old)).toThrow(UnknownMasterKeyError);
    // relabelling a wrap with another key id does not help an attacker
    expect(() => unwrapDataKey(ringOf(k1, k2), "c", { ...old, masterKeyId: "k2" })).toThrow(DecryptError);
  });
});

describe("ReloadingKeyRing", () => {
  it("re-reads the key source when it meets an unknown key id, at most once per interval", () => {
    const k1 = { id: "k1", key: randomKey() };
    const k2 = { id: "k2", key: randomKey() };
    let source = ringOf(k1);
    let loads = 0;
    let now = 0;
    const ring = new ReloadingKeyRing(() => (loads++, source), { now: () => now, minReloadMs: 1_000 });
    source = ringOf(k1, k2);
    expect(ring.byId("k2")).toBeUndefined(); // within the interval: no reload
    now = 1_000;
    expect(ring.byId("k2")?.id).toBe("k2");
    expect(ring.current.id).toBe("k2");
    expect(loads).toBe(2);
    now = 1_500;
    expect(ring.byId("nope")).toBeUndefined();
    expect(loads).toBe(2);
  });

  it("picks up a new current key when the source's stamp changes", () => {
    const k1 = { id: "k1", key: randomKey() };
    const k2 = { id: "k2", key: randomKey() };
    let source = ringOf(k1);
    let stamp = "a";
    let now = 0;
    const ring = new ReloadingKeyRing(() => source, { now: () => now, minReloadMs: 1_000, stamp: () => stamp });
    source = ringOf(k1, k2);
    expect(ring.current.id).toBe("k1");
    now = 2_000;
    expect(ring.current.id).toBe("k1"); // same stamp: no reload
    stamp = "b";
    now = 4_000;
    expect(ring.current.id).toBe("k2");
  });
});
