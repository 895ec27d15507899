import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

// Log injection (ASVS V16.4.1): the one client-chosen value Airlock logs, the directive of a CSP
// violation report, cannot start a log line of its own. Every line is one JSON object, so CR, LF
// and quotes stay inside the value they came in.

const forged = '{"level":60,"msg":"forged line"}';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

describe("log injection", () => {
  it("keeps CR, LF and a forged JSON line inside the logged value", async () => {
    const directive = `img-src\r\n${forged}`;
    const res = await fetch(`${server.url}/api/v1/csp-report`, {
      method: "POST",
      headers: { "content-type": "application/csp-report" },
      body: JSON.stringify({ "csp-report": { "effective-directive": directive } }),
    });
    expect(res.status).toBeLessThan(300);
    await fetch(`${server.url}/no-such-page%0d%0a${encodeURIComponent(forged)}`, { headers: { "user-agent": `x\r\n${forged}`.replace(/[\r\n]/g, " ") } });

    const lines = server.logText().split("\n").filter(Boolean);
    const parsed = lines.map((line) => JSON.parse(line) as { msg?: string; directive?: string });
    expect(parsed.filter((l) => l.msg === "forged line")).toEqual([]);
    const reported = parsed.filter((l) => l.msg === "csp violation reported");
    expect(reported.map((l) => l.directive)).toEqual([directive]);
  });
});
