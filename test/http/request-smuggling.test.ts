import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

// Request smuggling (ASVS V4.2.1): a request whose length is stated both by Content-Length and by
// Transfer-Encoding is refused by Airlock's HTTP parser, so a second request hidden in its body is
// never answered. Sent byte for byte over a raw socket, as a desynchronising front end would.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

function exchange(raw: string): Promise<string> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    let answer = "";
    const socket = connect({ host: hostname, port: Number(port) }, () => socket.end(raw));
    socket.setEncoding("latin1");
    socket.on("data", (chunk: string) => (answer += chunk));
    socket.on("close", () => resolve(answer));
    socket.on("error", reject);
    socket.setTimeout(5_000, () => socket.destroy(new Error("no answer within 5 s")));
  });
}

describe("request smuggling", () => {
  it("refuses Content-Length together with Transfer-Encoding, and never answers the hidden request", async () => {
    const hidden = "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
    const body = `0\r\n\r\n${hidden}`;
    const answer = await exchange(
      "POST /api/v1/csp-report HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/csp-report\r\n" +
        `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked\r\n\r\n${body}`,
    );
    const statuses = [...answer.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1]);
    expect(statuses).toEqual(["400"]);
  });

  it("refuses two different Content-Length values", async () => {
    const answer = await exchange("POST /api/v1/csp-report HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}");
    expect([...answer.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => m[1])).toEqual(["400"]);
  });
});
