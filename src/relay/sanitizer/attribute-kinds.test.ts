import path from "node:path";
import { describe, expect, it } from "vitest";
import { CompiledAllowlist } from "./compiled-allowlist.js";
import { readAllowlist } from "./policy-allowlist.js";

// Attribute decisions are remembered per (tag, name). Page-chosen names must neither grow that
// memory without bound nor change a decision once it is full.

const allowlist = () => new CompiledAllowlist(readAllowlist(path.resolve("policies")));

describe("per-(tag, name) attribute decisions", () => {
  it("decides the same way whether or not the memo is full", () => {
    const fresh = allowlist();
    const flooded = allowlist();
    for (let i = 0; i < 20_000; i++) flooded.attributeKind("div", `data-x${i}`);
    for (const [tag, name] of [
      ["div", "onclick"], ["div", "class"], ["div", "style"], ["div", "data-x"], ["a", "href"], ["img", "src"],
      ["img", "srcset"], ["video", "poster"], ["link", "rel"], ["link", "class"], ["div", "data-airlock-id"],
      ["div", "Bad Name"], ["use", "xlink:href"], ["div", "xmlns:x"], ["div", "formaction"],
    ] as const) {
      expect(flooded.attributeKind(tag, name)).toBe(fresh.attributeKind(tag, name));
    }
  });

  it("drops event handlers, the node-id attribute and invalid names, and routes URL attributes", () => {
    const kinds = allowlist();
    expect(kinds.attributeKind("div", "onclick")).toBe("drop");
    expect(kinds.attributeKind("div", "data-airlock-id")).toBe("drop");
    expect(kinds.attributeKind("div", "a\"b")).toBe("drop");
    expect(kinds.attributeKind("img", "src")).toBe("src");
    expect(kinds.attributeKind("use", "xlink:href")).toBe("href");
    expect(kinds.attributeKind("link", "rel")).toBe("rel");
    expect(kinds.attributeKind("div", "style")).toBe("style");
    expect(kinds.attributeKind("div", "class")).toBe("plain");
  });
});
