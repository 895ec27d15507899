import { beforeAll, describe, expect, it } from "vitest";
import { DecryptError, open, randomKey, seal, sodiumReady } from "./aead.js";
import { openMessage, sealMessage } from "./message-box.js";

beforeAll(() => sodiumReady());

describe("XChaCha20-Poly1305 boxes", () => {
  it("round-trips and uses a fresh nonce per seal", () => {
    const key = randomKey();
    const a = seal(key, new TextEncoder().encode("hello"), "ad");
    const b = seal(key, new TextEncoder().encode("hello"), "ad");
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    expect(new TextDecoder().decode(open(key, a, "ad"))).toBe("hello");
  });

  it("refuses a wrong key, wrong associated data, a flipped bit and a truncated box", () => {
    const key = randomKey();
    const box = seal(key, new TextEncoder().encode("secret"), "ad");
    expect(() => open(randomKey(), box, "ad")).toThrow(DecryptError);
    expect(() => open(key, box, "other")).toThrow(DecryptError);
    const flipped = box.slice();
    flipped[30] = (flipped[30] ?? 0) ^ 1;
    expect(() => open(key, flipped, "ad")).toThrow(DecryptError);
    expect(() => open(key, box.subarray(0, 20), "ad")).toThrow(DecryptError);
  });
});

describe("chat message boxes bind ciphertext to conversation and message", () => {
  const at = { conversationId: "c1", seq: 7, sender: "visitor", kind: "text" };

  it("opens only at the coordinates it was sealed for", () => {
    const key = randomKey();
    const box = sealMessage(key, at, "Grüße <b>");
    expect(openMessage(key, at, box)).toBe("Grüße <b>");
    expect(() => openMessage(key, { ...at, conversationId: "c2" }, box)).toThrow(DecryptError);
    expect(() => openMessage(key, { ...at, seq: 8 }, box)).toThrow(DecryptError);
    expect(() => openMessage(key, { ...at, sender: "agent" }, box)).toThrow(DecryptError);
    expect(() => openMessage(key, { ...at, kind: "note" }, box)).toThrow(DecryptError);
  });
});
