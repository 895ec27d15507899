import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { buildVisitorBundle } from "./host-site.js";

// The visitor script loads on every page of every embedding site: its size is a budget.
const BUDGET_GZIP_BYTES = 25 * 1024;

describe("visitor script bundle", () => {
  it("stays under 25 KB gzipped and uses no eval, Function or inline-style writes", () => {
    const code = readFileSync(buildVisitorBundle(), "utf8");
    const gz = gzipSync(code, { level: 9 }).length;
    expect(gz).toBeLessThanOrEqual(BUDGET_GZIP_BYTES);
    expect(code).not.toMatch(/\beval\(|new Function\(|\.innerHTML\s*=|insertAdjacentHTML|document\.write|setAttribute\("style"/);
  });
});
