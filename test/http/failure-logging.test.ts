import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AirlockError } from "../../src/errors.js";
import { FailureLog } from "../../src/http/failure-log.js";
import { defineRoute } from "../../src/http/route.js";
import { allRoutes } from "../../src/server/routes/index.js";
import { createLogger } from "../../src/ops/log.js";
import { startTestServer, type LogLine, type TestServer } from "../helpers/server.js";
import { errorOf } from "../helpers/error-body.js";

// One place decides how a failure is logged: Airlock's own faults at error with a stack, every
// failure a client can cause at info (upstream trouble at warn), without a stack and rate-limited.


const FAULT_TEXT = "planted-fault-detail-91f3";
const faultRoute = defineRoute({
  method: "GET",
  path: "/test/fault",
  access: { public: true },
  handler: () => {
    throw new TypeError(FAULT_TEXT);
  },
});

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ AIRLOCK_BODY_LIMIT_BYTES: "2048" }, { routes: [...allRoutes, faultRoute] });
});
afterAll(() => server.stop());
const lines = () => server.logLines();

describe("failure logging through the error model", () => {
  it("a genuine fault answers 500 internal and logs at error with its type and stack, not its message", async () => {
    const res = await fetch(`${server.url}/test/fault`);
    expect(res.status).toBe(500);
    expect(errorOf(await res.json())).toMatchObject({ code: "internal", message: "internal error" });
    const fault = lines().find((l) => l.msg === "request failed");
    expect(fault).toMatchObject({ level: "error", code: "internal", err: { type: "TypeError" } });
    expect(fault?.err?.stack).toContain("at ");
    expect(server.logText()).not.toContain(FAULT_TEXT);
  });

  it("a flood of malformed requests leaves a bounded number of info lines, without stacks", async () => {
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${server.url}/api/v1/csp-report`, { method: "POST", headers: { "content-type": "application/json" }, body: "{not json" });
      expect(res.status).toBe(400);
    }
    const refused = lines().filter((l) => l.msg === "request refused" && l.code === "invalid_body");
    expect(refused.length).toBe(10);
    for (const l of refused) expect([l.level, l.cause, l.err]).toEqual(["info", "client", undefined]);
  });
});

describe("FailureLog", () => {
  function capture(): { log: FailureLog; lines: () => LogLine[]; advance: (ms: number) => void } {
    const out: string[] = [];
    const sink = new Writable({ write: (c: Buffer, _e, done) => (out.push(c.toString("utf8")), done()) });
    let now = 0;
    const log = new FailureLog(createLogger("trace", sink), { linesPerWindow: 3, windowMs: 1_000 }, () => now);
    return { log, lines: () => out.join("").trim().split("\n").filter(Boolean).map((l) => JSON.parse(l) as LogLine), advance: (ms) => (now += ms) };
  }

  it("limits lines per code and window, and the next window's first line counts what was left out", () => {
    const { log, lines: logged, advance } = capture();
    for (let i = 0; i < 100; i++) log.failure(new AirlockError("asset_timeout", "slow"), undefined, {});
    for (let i = 0; i < 5; i++) log.failure(new AirlockError("forbidden", "no"), undefined, {});
    expect(logged().filter((l) => l.code === "asset_timeout")).toHaveLength(3);
    expect(logged().filter((l) => l.code === "forbidden")).toHaveLength(3);
    advance(1_000);
    log.failure(new AirlockError("asset_timeout", "slow"), undefined, {});
    expect(logged().filter((l) => l.code === "asset_timeout").at(-1)).toMatchObject({ level: "warn", cause: "upstream", suppressed: 97 });
  });

  it("never limits faults", () => {
    const { log, lines: logged } = capture();
    for (let i = 0; i < 20; i++) log.failure(new AirlockError("internal", "boom"), new Error("boom"), {});
    expect(logged().filter((l) => l.level === "error")).toHaveLength(20);
  });

  it("logs unavailability at warn and client refusals at info", () => {
    const { log, lines: logged } = capture();
    log.failure(new AirlockError("shutting_down", "draining"), undefined, {});
    log.failure(new AirlockError("not_implemented", "no TRACE"), undefined, {});
    expect(logged().map((l) => [l.level, l.cause, l.code])).toEqual([
      ["warn", "unavailable", "shutting_down"],
      ["info", "client", "not_implemented"],
    ]);
  });
});
