import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StartOptions } from "../../src/server/server.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";
import { ManualClock, WsClient, openAgent, openVisitor, startSession, wsUrl, DEMO_ORIGIN } from "./ws-client.js";

// How co-browse sessions end, over real sockets: the agent away (viewer hidden) for the policy's
// limit (the shipped 120 s and a short one) — watching is presence, clicks do not count — moved by
// a manual clock; the visitor gone past its grace; the agent's login session ended by identity; and
// graceful shutdown, which tells both sides and closes every socket with 1001.

async function startWithClock(clock: ManualClock, env: Record<string, string> = {}): Promise<TestServer> {
  const options: StartOptions = { relayClock: clock };
  return startIdentityServer(env, options);
}

/** After this returns, the agent's earlier frames have been handled (frames on a socket stay in order). */
async function settled(agentSocket: WsClient, visitor: WsClient, n: number): Promise<void> {
  agentSocket.send({ kind: "highlight", x: n, y: n });
  await visitor.next("highlight", (f) => f.x === n);
}

describe("co-browse session endings over sockets", () => {
  const clock = new ManualClock();
  let server: TestServer;
  let agent: HttpAgent;

  beforeAll(async () => {
    server = await startWithClock(clock);
    ({ agent } = await signInEnrolled(server, "agent"));
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("the shipped policy: watching without a click never ends a session; a hidden viewer ends it 120 s later (agent_away)", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const agentSocket = await openAgent(server, agent);
    await startSession(visitor, agentSocket, String(welcome.session));
    await settled(agentSocket, visitor, 1);

    clock.advance(10 * 60_000); // ten minutes of watching, no clicks, no typing
    for (let i = 0; i < 5; i++) visitor.send({ kind: "viewport", viewport: { width: 100 + i, height: 100 } });
    await agentSocket.next("viewport", (f) => (f.viewport as { width: number }).width === 104);
    expect(visitor.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);

    agentSocket.send({ kind: "presence", visible: false });
    expect(await agentSocket.next("away")).toMatchObject({ endsInMs: 120_000 });
    clock.advance(119_999);
    expect(visitor.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);
    clock.advance(1);
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_away" });
    expect(await agentSocket.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_away" });
    expect(server.services.relay.localSessionCount).toBe(0);
    expect(server.services.relay.retainedBytes()).toBe(0);
    agentSocket.close();
  });

  it("the viewer visible again cancels the countdown", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const agentSocket = await openAgent(server, agent);
    await startSession(visitor, agentSocket, String(welcome.session));
    agentSocket.send({ kind: "presence", visible: false });
    await agentSocket.next("away", (f) => f.endsInMs === 120_000);
    clock.advance(110_000);
    agentSocket.send({ kind: "presence", visible: true });
    expect(await agentSocket.next("away")).toMatchObject({ endsInMs: null });
    clock.advance(60 * 60_000);
    expect(visitor.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);
    agentSocket.close();
    visitor.close();
  });

  it("a visitor that does not come back within the grace period ends the session (visitor_gone)", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const agentSocket = await openAgent(server, agent);
    await startSession(visitor, agentSocket, String(welcome.session));
    const timers = clock.pending;
    visitor.close();
    await visitor.closed;
    // The server schedules the grace timer when it sees the close.
    for (let i = 0; i < 200 && clock.pending === timers; i++) await new Promise((r) => setTimeout(r, 5));
    clock.advance(29_999);
    expect(agentSocket.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);
    clock.advance(2);
    expect(await agentSocket.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "visitor_gone" });
    agentSocket.close();
  });

  it("when identity ends the agent's login session, its sockets close (4401) and the visitor is told", async () => {
    const { agent: other } = await signInEnrolled(server, "supervisor");
    const { client: visitor, welcome } = await openVisitor(server);
    const agentSocket = await openAgent(server, other);
    await startSession(visitor, agentSocket, String(welcome.session));
    const out = await other.request(`${server.url}/auth/logout`, { method: "POST", body: "{}", contentType: "application/json" });
    expect(out.status).toBeLessThan(400);
    expect(await agentSocket.closed).toEqual({ code: 4401, reason: "session_ended" });
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_left" });
    visitor.close();
  });
});

describe("a short policy value", () => {
  it("ends the session after the configured 10 s of the agent's viewer hidden", async () => {
    const policyDir = mkdtempSync(path.join(tmpdir(), "airlock-policy-"));
    const shipped = readFileSync(path.resolve("policies/cobrowse.yaml"), "utf8");
    writeFileSync(path.join(policyDir, "cobrowse.yaml"), shipped.replace(/agentInactivity: \{ seconds: 120,/, "agentInactivity: { seconds: 10,"));
    const clock = new ManualClock();
    const server = await startWithClock(clock, { AIRLOCK_POLICY_DIR: policyDir });
    try {
      expect(server.services.policy.policy.cobrowse.agentInactivity.seconds).toBe(10);
      const { agent } = await signInEnrolled(server, "agent");
      const { client: visitor, welcome } = await openVisitor(server);
      const agentSocket = await openAgent(server, agent);
      await startSession(visitor, agentSocket, String(welcome.session));
      agentSocket.send({ kind: "presence", visible: false });
      await agentSocket.next("away", (f) => f.endsInMs === 10_000);
      clock.advance(9_999);
      expect(visitor.frames.some((f) => f.kind === "state" && f.state === "ended")).toBe(false);
      clock.advance(1);
      expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_away" });
      expect(await agentSocket.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_away" });
    } finally {
      await server.stop();
    }
  });
});

describe("graceful shutdown", () => {
  it("ends every room with server_shutdown and closes every socket with 1001", async () => {
    const server = await startWithClock(new ManualClock());
    const { agent } = await signInEnrolled(server, "agent");
    const { client: visitor, welcome } = await openVisitor(server);
    const agentSocket = await openAgent(server, agent);
    await startSession(visitor, agentSocket, String(welcome.session));
    const idle = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN); // no hello yet
    const lone = await openAgent(server, agent); // connected, in no session

    await server.stop();
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "server_shutdown" });
    expect(await agentSocket.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "server_shutdown" });
    for (const client of [visitor, agentSocket, idle, lone]) expect((await client.closed).code).toBe(1001);
  });
});
