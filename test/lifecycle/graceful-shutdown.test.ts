import { mkdtempSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { once } from "node:events";
import { describe, expect, it } from "vitest";
import { runCli, spawnCli, waitForLog } from "../helpers/cli.js";

describe("graceful shutdown", () => {
  it("SIGTERM during a request: the request completes, then the process exits 0", async () => {
    const env = { AIRLOCK_DATA_DIR: mkdtempSync(path.join(tmpdir(), "airlock-sd-")) };
    expect(runCli(["migrate", "up"], env).status).toBe(0);
    const child = spawnCli(["serve"], env);
    const listening = await waitForLog(child, "airlock listening");
    const url = new URL(String(listening.url));

    // Start a request whose body is still arriving when the signal lands.
    const body = JSON.stringify({ "csp-report": { "effective-directive": "img-src" } });
    const req = request({ host: url.hostname, port: url.port, method: "POST", path: "/api/v1/csp-report", headers: { "content-type": "application/csp-report", "content-length": Buffer.byteLength(body) } });
    const response = new Promise<number>((resolve, reject) => {
      req.on("response", (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
    });
    req.write(body.slice(0, 10));
    await new Promise((r) => setTimeout(r, 200)); // let the server start reading the body
    const draining = waitForLog(child, "shutting down: draining in-flight requests");
    child.kill("SIGTERM");
    await draining;
    req.end(body.slice(10));

    expect(await response).toBe(204);
    const [code] = (await once(child, "exit")) as [number | null];
    expect(code).toBe(0);
  });
});
