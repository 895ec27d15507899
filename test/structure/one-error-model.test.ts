import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AirlockError } from "../../src/errors.js";
import { ALL_ERROR_CODES, closeCodeOf, ERROR_CODES, NORMAL_CLOSE, statusOf, type ErrorCode } from "../../src/protocol/error-codes.js";

// One WebSocket error model: src/protocol/error-codes.ts maps every error code to its HTTP status
// and its close code, and no other module writes a close code as a number.

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const MODEL_FILE = "src/protocol/error-codes.ts";
const STANDARD_CLOSES = new Set([1001, 1008, 1009, 1011]);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((entry) => {
    const file = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return sourceFiles(file);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [file] : [];
  });
}

describe("one error model", () => {
  it("gives every code an HTTP status and a close code; Airlock's own close codes are 4000 + the status", () => {
    expect(ALL_ERROR_CODES.length).toBeGreaterThan(40);
    for (const code of ALL_ERROR_CODES) {
      const { status, close } = ERROR_CODES[code];
      expect(status, code).toBeGreaterThanOrEqual(400);
      expect(status, code).toBeLessThan(600);
      if (close >= 4000) expect(close - 4000, code).toBe(status);
      else expect(STANDARD_CLOSES.has(close), `${code}: ${close}`).toBe(true);
      expect(new AirlockError(code, "x").status, code).toBe(statusOf(code));
    }
  });

  it("keeps the close codes clients switch on", () => {
    const wire: Partial<Record<ErrorCode, number>> = {
      unauthenticated: 4401, session_ended: 4401, forbidden: 4403, origin_not_allowed: 4403, not_allowed: 4403,
      unsupported_version: 4400, wrong_state: 4400, bad_json: 4400, bad_frame: 4400, request_timeout: 4408,
      rate_limited: 4429, too_many_visits: 4429, too_many_connections: 4429,
      shutting_down: 1001, payload_too_large: 1009, bad_request: 1008, internal: 1011, not_ready: 1011,
    };
    for (const [code, close] of Object.entries(wire)) expect(closeCodeOf(code as ErrorCode), code).toBe(close);
    expect(NORMAL_CLOSE).toBe(1000);
  });

  it("no module but the model writes a close code as a number", () => {
    const literal = [
      /\.close\(\s*\d/, // ws.close(1000, …)
      /\bcode\s*[!=]==\s*\d{4}\b/, // e.code !== 4401
      /new Set\(\[\s*\d{4}/, // a set of close codes
    ];
    const found: string[] = [];
    for (const file of sourceFiles("src")) {
      if (file === MODEL_FILE) continue;
      readFileSync(path.join(repoRoot, file), "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (literal.some((re) => re.test(line))) found.push(`${file}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(found).toEqual([]);
  });
});
