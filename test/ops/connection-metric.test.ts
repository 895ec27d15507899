import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { openVisitor } from "../relay/ws-client.js";

// The metric the chart's HPA scales on: open WebSocket connections of this server process, by side.

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.stop());

async function connections(side: "visitor" | "agent"): Promise<number> {
  const text = await (await fetch(server.metricsUrl ?? "")).text();
  const line = text.split("\n").find((l) => l.startsWith(`airlock_websocket_connections{side="${side}"}`));
  return Number(line?.split(" ")[1] ?? Number.NaN);
}

describe("airlock_websocket_connections", () => {
  it("counts the open visitor sockets of this process, and forgets closed ones", async () => {
    expect(await connections("visitor")).toBe(0);
    const a = await openVisitor(server);
    const b = await openVisitor(server);
    expect(await connections("visitor")).toBe(2);
    expect(await connections("agent")).toBe(0);
    a.client.close();
    await a.client.closed;
    await expect.poll(() => connections("visitor")).toBe(1);
    b.client.close();
    await expect.poll(() => connections("visitor")).toBe(0);
  });
});
