import { describe, expect, it } from "vitest";
import { readKnownFrame } from "./known-frame.js";

const kinds: ReadonlySet<string> = new Set(["welcome", "state"]);

describe("readKnownFrame", () => {
  it("passes JSON objects of an expected kind", () => {
    expect(readKnownFrame(JSON.stringify({ kind: "state", state: "active" }), kinds)).toEqual({ kind: "state", state: "active" });
  });

  it("ignores everything else instead of throwing", () => {
    for (const data of [undefined, 42, new ArrayBuffer(4), "", "{", "null", "[]", '"welcome"', "7", '{"kind":"control"}', '{"kind":1}', '{"state":"active"}', '{"kind":"__proto__"}']) {
      expect(readKnownFrame(data, kinds), typeof data === "string" ? data : typeof data).toBeUndefined();
    }
  });
});
