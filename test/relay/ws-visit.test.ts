import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";
import { DEMO_ORIGIN, WsClient, openAgent, openVisitor, startSession, wsUrl, type Frame } from "./ws-client.js";

// A visit (the visitor's tab session) outlives its co-browse sessions, over real sockets: ending
// co-browsing (the visitor's Stop, the agent leaving) releases the session but keeps the visitor's
// connection, so chat goes on both ways on the same socket; the agent can start a new session
// for the same visit (a new session, a new consent question); and navigation resumes the visit
// with its conversation, and the running session when there is one.

const PAGE = `<html data-airlock-id="1"><body data-airlock-id="2"><p data-airlock-id="3">Order summary</p></body></html>`;

function snapshot(seq: number, url = `${DEMO_ORIGIN}/demo`): object {
  return { kind: "snapshot", seq, url, html: PAGE, viewport: { width: 1200, height: 800 } };
}

function resume(token: unknown, url = `${DEMO_ORIGIN}/demo/checkout`): object {
  return { kind: "resume", versions: [1], resumeToken: String(token), url, viewport: { width: 1200, height: 800 } };
}

describe("a visit outlives its co-browse sessions", () => {
  let server: TestServer;
  let agent: HttpAgent;
  let chatAgent: WsClient;

  beforeAll(async () => {
    server = await startIdentityServer();
    ({ agent } = await signInEnrolled(server, "agent"));
    chatAgent = await openAgent(server, agent);
    chatAgent.send({ kind: "watch-site", site: "demo" });
  });
  afterAll(async () => {
    chatAgent?.close();
    await server?.stop();
  });

  /** The visitor starts a chat; the agent's chat socket accepts it. */
  async function chatting(visitor: WsClient): Promise<string> {
    visitor.send({ kind: "chat-start" });
    const started = await visitor.next("chat-conversation", (f) => f.change === "started");
    const conversation = String(started.conversation);
    chatAgent.send({ kind: "chat-accept", conversation });
    await visitor.next("chat-conversation", (f) => f.change === "accepted" && f.conversation === conversation);
    return conversation;
  }

  /** One message each way on the visitor's (still open) socket. */
  async function talk(visitor: WsClient, conversation: string, word: string): Promise<void> {
    visitor.send({ kind: "chat-send", conversation, clientId: `v-${word}-0001`, text: `visitor ${word}` });
    await chatAgent.next("chat-message", (f) => f.text === `visitor ${word}`);
    chatAgent.send({ kind: "chat-send", conversation, clientId: `a-${word}-0001`, text: `agent ${word}` });
    await visitor.next("chat-message", (f) => f.text === `agent ${word}`);
  }

  /** The console's Co-browse button of a chat: asks by the visitor's id where to connect. */
  async function cobrowseFromChat(visit: string): Promise<string> {
    const r = await agent.json(`${server.url}/api/v1/cobrowse/sessions/${visit}/join`, "POST", {});
    expect(r.status).toBe(200);
    return String(r.body.room);
  }

  async function auditedEnd(session: string): Promise<string[]> {
    for (let i = 0; i < 100; i++) {
      const rows = await server.services.storage.db.selectFrom("audit_log").select("action").where("target", "=", `room:${session}@demo`).orderBy("seq").execute();
      if (rows.some((r) => r.action.startsWith("cobrowse.end"))) return rows.map((r) => r.action);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no cobrowse.end audited for ${session}`);
  }

  it("the visitor stops sharing: the room's memory is released and audited, the socket stays, chat goes on both ways", async () => {
    const { relay } = server.services;
    const { client: visitor, welcome } = await openVisitor(server);
    const visit = String(welcome.visit);
    const first = String(welcome.session);
    expect(visit).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(first).not.toBe(visit);
    const conversation = await chatting(visitor);
    const viewer = await openAgent(server, agent);
    await startSession(visitor, viewer, first);
    visitor.send(snapshot(1));
    await viewer.next("snapshot");
    expect(relay.retainedBytes()).toBeGreaterThan(0);

    visitor.send({ kind: "end" });
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "visitor_ended" });
    expect(await viewer.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "visitor_ended" });
    expect((await viewer.closed).code).toBe(1000);
    expect(relay.retainedBytes()).toBe(0);
    expect(relay.localSessionCount).toBe(0);
    expect(await auditedEnd(first)).toEqual(["cobrowse.join", "cobrowse.start", "cobrowse.watcher.join", "cobrowse.watcher.leave.visitor_ended", "cobrowse.end.visitor_ended"]);

    await talk(visitor, conversation, "after-stop");
    // co-browse frames of the ended session are refused, not taken into a new session
    visitor.send(snapshot(2));
    expect(await visitor.next("error", (f) => f.ref === 2)).toMatchObject({ code: "session_ended" });
    expect(relay.localSessionCount).toBe(0);
    expect(visitor.ws.readyState).toBe(visitor.ws.OPEN);
    visitor.close();
  });

  it("the agent leaves: chat goes on; Co-browse from the chat opens a new session of the same visit with a new consent question", async () => {
    const { relay } = server.services;
    const { client: visitor, welcome } = await openVisitor(server);
    const visit = String(welcome.visit);
    const conversation = await chatting(visitor);

    const first = await cobrowseFromChat(visit);
    expect(first).toBe(welcome.session);
    const viewer = await openAgent(server, agent);
    await startSession(visitor, viewer, first);
    viewer.send({ kind: "leave" });
    expect(await visitor.next("state", (f) => f.state === "ended")).toMatchObject({ reason: "agent_left" });
    await talk(visitor, conversation, "after-leave");
    expect(relay.cobrowseSession(first)).toBeUndefined();

    // the visitor is still offered by the console, under the id of its next session
    const second = await cobrowseFromChat(visit);
    expect(second).not.toBe(first);
    const listed = (await agent.json(`${server.url}/api/v1/cobrowse/sessions`)).body.sessions as Record<string, unknown>[];
    expect(listed.find((s) => s.room === second)).toMatchObject({ state: "waiting", agents: 0 });
    expect(listed.some((s) => s.room === first)).toBe(false);
    expect(relay.localSessionCount).toBe(0);

    const again = await openAgent(server, agent);
    again.send({ kind: "join", versions: [1], room: second, mode: "view" });
    await again.next("welcome");
    const ask = await visitor.next("consent-request");
    expect(ask).toMatchObject({ mode: "view", session: second });
    expect(relay.localSessionCount).toBe(1);
    // nothing flows before the new consent
    visitor.send(snapshot(3));
    expect(await visitor.next("error", (f) => f.ref === 3)).toMatchObject({ code: "not_allowed" }); // visitor:share needs the visitor's view consent
    visitor.send({ kind: "consent", request: ask.request, answer: "granted", mode: "view" });
    await again.next("consent");
    visitor.send(snapshot(4));
    expect((await again.next("snapshot")).html).toContain("Order summary");
    await talk(visitor, conversation, "while-sharing-again");
    again.send({ kind: "leave" });
    await visitor.next("state", (f) => f.state === "ended");
    visitor.close();
    again.close();
    viewer.close();
  });

  it("navigation mid-chat resumes the visit: same visit, same conversation, the running session continues; the token works once", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const conversation = await chatting(visitor);
    const viewer = await openAgent(server, agent);
    await startSession(visitor, viewer, String(welcome.session));
    await talk(visitor, conversation, "before-navigation");
    visitor.close();
    await visitor.closed;

    const next = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN);
    next.send(resume(welcome.resumeToken));
    const resumed = await next.next("welcome");
    expect(resumed).toMatchObject({ visit: welcome.visit, session: welcome.session });
    expect(await next.next("state")).toMatchObject({ state: "active", watching: true });
    next.send(snapshot(5, `${DEMO_ORIGIN}/demo/checkout`));
    expect((await viewer.next("snapshot")).url).toBe(`${DEMO_ORIGIN}/demo/checkout`);
    next.send({ kind: "chat-resume", conversation, afterSeq: 0 });
    const replayed: Frame[] = [];
    for (const text of ["visitor before-navigation", "agent before-navigation"]) replayed.push(await next.next("chat-message", (f) => f.text === text));
    expect(replayed.map((f) => f.conversation)).toEqual([conversation, conversation]);
    await talk(next, conversation, "after-navigation");

    const replay = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN);
    replay.send(resume(welcome.resumeToken));
    expect(await replay.next("error")).toMatchObject({ code: "session_ended" });
    expect((await replay.closed).code).toBe(4401);
    viewer.send({ kind: "leave" });
    await next.next("state", (f) => f.state === "ended");
    next.close();
    viewer.close();
  });

  it("a session that ended while the visitor changed pages is not resumed: the next one asks for consent again", async () => {
    const { client: visitor, welcome } = await openVisitor(server);
    const viewer = await openAgent(server, agent);
    await startSession(visitor, viewer, String(welcome.session));
    visitor.close();
    await visitor.closed;
    viewer.send({ kind: "leave" });
    await viewer.next("state", (f) => f.state === "ended");

    const next = await WsClient.open(wsUrl(server, "/ws/visitor"), DEMO_ORIGIN);
    next.send(resume(welcome.resumeToken));
    const resumed = await next.next("welcome");
    expect(resumed.visit).toBe(welcome.visit);
    expect(resumed.session).not.toBe(welcome.session);
    const again = await openAgent(server, agent);
    again.send({ kind: "join", versions: [1], room: resumed.session, mode: "view" });
    expect(await next.next("consent-request")).toMatchObject({ session: resumed.session });
    // the new session has no consent of the old one
    next.send(snapshot(6));
    expect(await next.next("error", (f) => f.ref === 6)).toMatchObject({ code: "not_allowed" }); // visitor:share needs the visitor's view consent
    next.close();
    again.close();
    viewer.close();
  });
});
