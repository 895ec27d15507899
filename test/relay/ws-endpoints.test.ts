import { once } from "node:events";
import type { IncomingMessage } from "node:http";
import { WebSocket } from "ws";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";
import { DEMO_ORIGIN, DEMO_SITE_KEY, WsClient, openAgent, openVisitor, startSession, ticketFor, wsUrl } from "./ws-client.js";

// /ws/visitor and /ws/agent over real sockets against a real Airlock with its dev IdP: the
// handshake checks (Origin, site key, ticket), the opening frames, resume after navigation, the
// console's session list, and a whole consent → snapshot round trip.

describe("co-browse WebSocket endpoints", () => {
  let server: TestServer;
  let agent: HttpAgent;

  beforeAll(async () => {
    server = await startIdentityServer();
    ({ agent } = await signInEnrolled(server, "agent"));
  });
  afterAll(async () => {
    await server.stop();
  });

  it("visitor hello → welcome with a resume token, the site's privacy rules and the limits", async () => {
    const { client, welcome } = await openVisitor(server);
    expect(welcome).toMatchObject({ kind: "welcome", version: 1, privacy: { maskingSelectors: ["[data-private]", ".account-number"], maskInputValues: true } });
    expect(String(welcome.resumeToken).length).toBeGreaterThanOrEqual(40);
    // the visit (chat's visitor id) and its co-browse session are different random ids
    expect(welcome.visit).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(welcome.session).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(welcome.session).not.toBe(welcome.visit);
    expect(welcome.limits).toMatchObject({ maxFrameBytes: 4 * 1024 * 1024 });
    client.close();
  });

  it("refuses a visitor Origin that no site registers, and a look-alike, with 4403 before reading a frame", async () => {
    for (const origin of ["https://evil.test", "http://127.0.0.1:8080.evil.test", "http://127.0.0.1:8081", "null"]) {
      const client = await WsClient.open(wsUrl(server, "/ws/visitor"), origin);
      expect(await client.closed).toEqual({ code: 4403, reason: "origin_not_allowed" });
    }
    const none = await WsClient.open(wsUrl(server, "/ws/visitor"), undefined);
    expect((await none.closed).code).toBe(4403);
  });

  it("refuses a site key that is not registered for the connection's Origin", async () => {
    const client = await WsClient.open(wsUrl(server, "/ws/visitor"), "http://localhost:8080");
    client.send({ kind: "hello", versions: [1], siteKey: "some-other-site-key", url: "http://localhost:8080/", viewport: { width: 1, height: 1 } });
    expect(await client.next("error")).toMatchObject({ code: "origin_not_allowed" });
    expect((await client.closed).code).toBe(4403);
  });

  it("refuses anything but hello/resume as the first frame, and an unsupported version", async () => {
    const early = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN);
    early.send({ kind: "pointer", x: 1, y: 1 });
    expect(await early.next("error")).toMatchObject({ code: "wrong_state" });
    expect((await early.closed).code).toBe(4400);

    const future = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN);
    future.send({ kind: "hello", versions: [7, 8], siteKey: DEMO_SITE_KEY, url: `${DEMO_ORIGIN}/`, viewport: { width: 1, height: 1 } });
    expect(await future.next("error")).toMatchObject({ code: "unsupported_version" });
    expect((await future.closed).code).toBe(4400);
  });

  it("refuses an agent socket from a foreign Origin, without a ticket, and with a used ticket", async () => {
    const ticket = await ticketFor(agent, server);
    const foreign = await WsClient.open(wsUrl(server, `/ws/agent?ticket=${ticket}`), "https://evil.test");
    expect(await foreign.closed).toEqual({ code: 4403, reason: "origin is not the console" });

    const none = await WsClient.open(wsUrl(server, "/ws/agent"), new URL(server.url).origin);
    expect((await none.closed).code).toBe(4401);

    const first = await openAgent(server, agent, ticket); // the foreign attempt did not spend it
    const again = await openAgent(server, agent, ticket);
    expect(await again.closed).toEqual({ code: 4401, reason: "ticket missing, expired or already used" });
    first.close();
  });

  it("the console lists live sessions (metadata only) and answers whether the agent may start one", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const cobrowseSession = String(welcome.session);
    const list = await agent.json(`${server.url}/api/v1/cobrowse/sessions`);
    expect(list.status).toBe(200);
    const entry = (list.body.sessions as Record<string, unknown>[]).find((s) => s.room === cobrowseSession);
    expect(entry).toMatchObject({ site: "demo", state: "waiting", mode: "view", agents: 0 });
    expect(Object.keys(entry ?? {}).sort()).toEqual(["actions", "agents", "mode", "room", "since", "site", "siteName", "state", "visitorName"]);
    expect(entry?.visitorName).toMatch(/^Visitor \d+$/); // the visit's pseudonym, never page content
    // What this agent may do with it, as the policy decides for this agent and this session.
    expect(entry?.actions).toEqual(["start"]);

    const join = await agent.json(`${server.url}/api/v1/cobrowse/sessions/${cobrowseSession}/join`, "POST", {});
    expect(join).toMatchObject({ status: 200, body: { room: cobrowseSession, socket: "/ws/agent" } });
    const missing = await agent.json(`${server.url}/api/v1/cobrowse/sessions/nope-nope-nope/join`, "POST", {});
    expect(missing.status).toBe(404);
    const anonymous = await fetch(`${server.url}/api/v1/cobrowse/sessions`);
    expect(anonymous.status).toBe(401);
    visitor.close();
  });

  it("join → consent → snapshot reaches the agent sanitized; control needs its own grant", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const agentSocket = await openAgent(server, agent);
    await startSession(visitor, agentSocket, String(welcome.session));
    expect(await visitor.next("state", (f) => f.state === "active")).toMatchObject({ watching: true, agents: 1 });

    visitor.send({
      kind: "snapshot",
      seq: 1,
      url: `${DEMO_ORIGIN}/demo`,
      html: `<html data-airlock-id="1"><body data-airlock-id="2"><p data-airlock-id="3" onclick="alert(1)">Hello</p><script data-airlock-id="4">alert(2)</script><img data-airlock-id="5" src="/demo/img/a.png"></body></html>`,
      viewport: { width: 1200, height: 800 },
    });
    const snapshot = await agentSocket.next("snapshot");
    expect(snapshot.html).toContain("Hello");
    expect(snapshot.html).not.toMatch(/onclick|<script|alert/);
    expect(snapshot.html).toMatch(/src="http:\/\/127\.0\.0\.1:\d+\/relay\/v1\/asset\?/);

    agentSocket.send({ kind: "control", event: { type: "click", id: 3 } });
    expect(await agentSocket.next("error", (f) => f.ref === "control")).toMatchObject({ code: "not_allowed" });
    agentSocket.send({ kind: "request-control" });
    const ask = await visitor.next("consent-request", (f) => f.mode === "control");
    visitor.send({ kind: "consent", request: ask.request, answer: "granted", mode: "control" });
    await agentSocket.next("state", (f) => f.mode === "control");
    agentSocket.send({ kind: "control", event: { type: "click", id: 3 } });
    expect(await visitor.next("control")).toEqual({ kind: "control", event: { type: "click", id: 3 } });

    agentSocket.send({ kind: "leave" });
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_left" });
    visitor.close();
    agentSocket.close();

    // Start, join, mode changes, the agent's leaving and the end are in the audit trail, as ids and reasons only.
    const target = `room:${String(welcome.session)}@demo`;
    let rows: { actor: string; action: string }[] = [];
    for (let i = 0; i < 100 && !rows.some((r) => r.action.startsWith("cobrowse.end")); i++) {
      rows = await server.services.storage.db.selectFrom("audit_log").select(["actor", "action"]).where("target", "=", target).orderBy("seq").execute();
      if (!rows.some((r) => r.action.startsWith("cobrowse.end"))) await new Promise((r) => setTimeout(r, 10));
    }
    expect(rows.map((r) => r.action)).toEqual([
      "cobrowse.join",
      "cobrowse.start",
      "cobrowse.watcher.join",
      "cobrowse.mode.control",
      "cobrowse.leave.agent_left",
      "cobrowse.watcher.leave.agent_left",
      "cobrowse.mode.view",
      "cobrowse.end.agent_left",
    ]);
    expect(rows[0]?.actor).toMatch(/^agent:/);
  });

  it("resume after a navigation continues the session once; the token cannot be used twice", async () => {
    const { client: first, welcome } = await openVisitor(server);
    const token = String(welcome.resumeToken);
    first.close();
    await first.closed;

    const next = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN);
    next.send({ kind: "resume", versions: [1], resumeToken: token, url: `${DEMO_ORIGIN}/demo/checkout`, viewport: { width: 1, height: 1 } });
    const resumed = await next.next("welcome");
    expect(resumed).toMatchObject({ visit: welcome.visit, session: welcome.session });
    expect(resumed.resumeToken).not.toBe(token);

    const replay = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN);
    replay.send({ kind: "resume", versions: [1], resumeToken: token, url: `${DEMO_ORIGIN}/demo`, viewport: { width: 1, height: 1 } });
    expect(await replay.next("error")).toMatchObject({ code: "session_ended" });
    expect((await replay.closed).code).toBe(4401);

    // A token presented from another registered origin of no site it belongs to is refused too.
    const elsewhere = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN);
    elsewhere.send({ kind: "resume", versions: [1], resumeToken: String(resumed.resumeToken), url: "https://other.example/", viewport: { width: 1, height: 1 } });
    expect(await elsewhere.next("error")).toMatchObject({ code: "origin_not_allowed" });
    next.close();
  });

  it("unknown upgrade paths are answered 404 without a WebSocket", async () => {
    const ws = new WebSocket(wsUrl(server, "/ws/other"), { origin: DEMO_ORIGIN });
    ws.on("error", () => undefined);
    const [, response] = (await once(ws, "unexpected-response")) as [unknown, IncomingMessage];
    expect(response.statusCode).toBe(404);
    ws.terminate();
  });
});
