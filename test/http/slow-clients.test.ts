import type { Socket } from "node:net";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configIssues } from "../helpers/config-env.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { bankSitesYaml, policyDir, replaceOnce, shipped } from "../policy/policy-dir.js";
import { WsClient } from "../relay/ws-client.js";
import { closedBy, openSocket, parseResponse } from "./raw-http.js";
import { errorOf } from "../helpers/error-body.js";

// Slow and greedy clients against a real Airlock with small configured bounds: each slow socket
// must be closed by the server (no wall-clock assertion beyond "closed"), and one client address
// cannot hold more than maxConnectionsPerClient connections, directly or through a trusted proxy.

const SITE_ORIGIN = "http://site.test";
const sites = bankSitesYaml(SITE_ORIGIN);
const network = (trusted: string) => replaceOnce(shipped("network.yaml"), "cidrs: [127.0.0.0/8, ::1/128]", `cidrs: [${trusted}]`);

const BOUNDS = {
  AIRLOCK_HTTP_HEADERS_TIMEOUT_MS: "300",
  AIRLOCK_HTTP_REQUEST_TIMEOUT_MS: "600",
  AIRLOCK_HTTP_KEEP_ALIVE_TIMEOUT_MS: "300",
  AIRLOCK_WS_HANDSHAKE_TIMEOUT_MS: "300",
};

/** Writes `text` one byte every `everyMs` until the server closes the socket or the text runs out. */
function trickle(socket: Socket, text: string, everyMs = 40): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++] ?? "");
  }, everyMs);
  socket.once("close", () => clearInterval(timer));
}
// Far longer than any bound above: only the server's deadline can end these exchanges.
const endlessHeaders = "X-Slow: " + "a".repeat(5_000);

let direct: TestServer;
let proxied: TestServer;
beforeAll(async () => {
  // No trusted proxies: every loopback connection is a direct client.
  direct = await startTestServer({ ...BOUNDS, AIRLOCK_MAX_CONNECTIONS_PER_CLIENT: "3", AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": sites, "network.yaml": network("192.0.2.0/24") }) });
  // Loopback is a trusted proxy: clients are told apart by X-Forwarded-For.
  proxied = await startTestServer({ AIRLOCK_MAX_CONNECTIONS_PER_CLIENT: "2", AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": sites, "network.yaml": network("127.0.0.0/8, ::1/128") }) });
}, 60_000);
afterAll(async () => {
  await direct?.stop();
  await proxied?.stop();
});

// The bounds above are 300-600 ms; Node's defaults held such sockets for 15-38 s. A generous
// per-test limit tells the two apart without asserting any duration.
describe("slow clients are closed by the configured bounds", { timeout: 5_000 }, () => {
  it("headers sent a byte at a time (slowloris): answered 408 request_timeout and closed", async () => {
    const socket = await openSocket(direct.url);
    const closed = closedBy(socket);
    socket.write("GET /healthz HTTP/1.1\r\nHost: airlock.test\r\n");
    trickle(socket, endlessHeaders);
    const res = parseResponse(await closed);
    expect(res?.status).toBe(408);
    expect(errorOf(res?.body ?? "{}").code).toBe("request_timeout");
  });

  it("a body sent a byte at a time: answered 408 and closed by the request bound", async () => {
    const socket = await openSocket(direct.url);
    const closed = closedBy(socket);
    socket.write("POST /api/v1/csp-report HTTP/1.1\r\nHost: airlock.test\r\nContent-Type: application/json\r\nContent-Length: 5000\r\n\r\n");
    trickle(socket, "{" + " ".repeat(4_998) + "}");
    const res = parseResponse(await closed);
    expect(res?.status).toBe(408);
  });

  it("an idle keep-alive connection is closed after its request", async () => {
    const socket = await openSocket(direct.url);
    const closed = closedBy(socket);
    socket.write("GET /healthz HTTP/1.1\r\nHost: airlock.test\r\n\r\n");
    expect(parseResponse(await closed)?.status).toBe(200);
  });

  it("a connection that sends nothing at all is closed", async () => {
    const socket = await openSocket(direct.url);
    expect(parseResponse(await closedBy(socket))?.status).toBe(408);
  });

  it("a WebSocket upgrade request sent a byte at a time is answered 408 and closed", async () => {
    const socket = await openSocket(direct.url);
    const closed = closedBy(socket);
    socket.write(`GET /ws/visitor HTTP/1.1\r\nHost: airlock.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nOrigin: ${SITE_ORIGIN}\r\nSec-WebSocket-Version: 13\r\n`);
    trickle(socket, "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" + endlessHeaders);
    expect(parseResponse(await closed)?.status).toBe(408);
  });

  it("a visitor WebSocket that never sends its opening frame is closed with 4408", async () => {
    const client = await WsClient.open(`${direct.url.replace("http", "ws")}/ws/visitor`, SITE_ORIGIN);
    expect((await client.closed).code).toBe(4408);
  });

  it("logs the timeouts as client refusals at info, never at error", () => {
    const logged = direct.logText().trim().split("\n").map((l) => JSON.parse(l) as { level: string; msg: string; code?: string });
    expect(logged.filter((l) => l.level === "error")).toEqual([]);
    expect(logged.some((l) => l.msg === "request refused" && l.code === "request_timeout" && l.level === "info")).toBe(true);
  });
});

describe("per-client connection cap", () => {
  it("a direct client's connection beyond the cap is closed at once; a freed slot is usable again", async () => {
    const held = await Promise.all([openSocket(direct.url), openSocket(direct.url), openSocket(direct.url)]);
    for (const s of held) s.write("GET /healthz HTTP/1.1\r\nHost: airlock.test\r\n"); // unfinished: they stay open
    const extra = await openSocket(direct.url);
    const extraClosed = closedBy(extra);
    extra.write("GET /healthz HTTP/1.1\r\nHost: airlock.test\r\n\r\n");
    expect(await extraClosed).toBe("");
    const firstClosed = closedBy(held[0]);
    held[0].destroy();
    await firstClosed;
    await Promise.all(held.slice(1).map((s) => (s.destroy(), closedBy(s))));
    expect((await fetch(`${direct.url}/healthz`)).status).toBe(200);
  });

  it("behind a trusted proxy, requests in flight are capped per forwarded client address with 429 too_many_connections", async () => {
    // Two requests of 203.0.113.7 wait for their bodies, holding both of its slots.
    const pending = await Promise.all([openSocket(proxied.url), openSocket(proxied.url)]);
    for (const s of pending) s.write("POST /api/v1/csp-report HTTP/1.1\r\nHost: airlock.test\r\nX-Forwarded-For: 203.0.113.7\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{");
    await new Promise((r) => setTimeout(r, 100)); // let both reach the application
    const third = await fetch(`${proxied.url}/healthz`, { headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(third.status).toBe(429);
    expect(errorOf(await third.json()).code).toBe("too_many_connections");
    const ws = new WebSocket(`${proxied.url.replace("http", "ws")}/ws/visitor`, { origin: SITE_ORIGIN, headers: { "x-forwarded-for": "203.0.113.7" } });
    expect((await new WsClient(ws).closed).code).toBe(4429);
    // Another client behind the same proxy is not affected, nor is the proxy itself.
    expect((await fetch(`${proxied.url}/healthz`, { headers: { "x-forwarded-for": "203.0.113.8" } })).status).toBe(200);
    expect((await fetch(`${proxied.url}/healthz`)).status).toBe(200);
    await Promise.all(pending.map((s) => (s.destroy(), closedBy(s))));
    await new Promise((r) => setTimeout(r, 50));
    expect((await fetch(`${proxied.url}/healthz`, { headers: { "x-forwarded-for": "203.0.113.7" } })).status).toBe(200);
  });
});

describe("configuration of the bounds", () => {
  it("rejects out-of-range values and a header bound above the request bound, naming the field", () => {
    expect(configIssues({ AIRLOCK_HTTP_HEADERS_TIMEOUT_MS: "10" }).map((i) => i.field)).toEqual(["httpHeadersTimeoutMs"]);
    expect(configIssues({ AIRLOCK_MAX_CONNECTIONS_PER_CLIENT: "0" }).map((i) => i.field)).toEqual(["maxConnectionsPerClient"]);
    expect(configIssues({ AIRLOCK_WS_HANDSHAKE_TIMEOUT_MS: "soon" }).map((i) => i.field)).toEqual(["wsHandshakeTimeoutMs"]);
    expect(configIssues({ AIRLOCK_HTTP_HEADERS_TIMEOUT_MS: "20000", AIRLOCK_HTTP_REQUEST_TIMEOUT_MS: "10000" }).map((i) => i.field)).toEqual(["httpHeadersTimeoutMs"]);
  });
});
