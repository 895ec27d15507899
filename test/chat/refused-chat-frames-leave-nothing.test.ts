import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { AGENT_CHAT_KINDS, VISITOR_CHAT_KINDS, type AgentChatKind, type VisitorChatKind } from "../../src/protocol/chat-messages.js";
import { startIdentityServer } from "../auth/helpers/login.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import type { WsClient } from "../relay/ws-client.js";
import { agentSocket, barrier, chatError, framesOf, visitorSocket, waitFor, type DemoLogin } from "./live-chat-sockets.js";

// Finding: "any agent can read other agents' live chats". chat-accept and chat-resume subscribed
// to the conversation before participation was checked, so a refused frame left the
// subscription and every later message (an IBAN, in the attack run) reached the intruder; the
// visitor socket had the same order (chat-send, chat-resume with another visit's conversation),
// and chat-typing checked nothing at all. Every chat frame kind of both sockets is tried here
// by someone who does not take part; each must be refused with its code, and afterwards nothing
// of the conversation — messages, typing, state changes — may reach the one refused.

const IBAN = "DE89 3704 0044 0532 0130 00";

interface Ctx {
  readonly conversation: string;
  readonly victimVisit: string;
}

interface AgentAttempt {
  readonly as: Exclude<DemoLogin, "agent">;
  readonly frame: (c: Ctx) => Record<string, unknown> & { kind: AgentChatKind };
  readonly code: string;
}

// Every agent kind, with who tries it and the refusal expected (a new kind must be added here).
const agentAttempts: { readonly [K in AgentChatKind]: readonly AgentAttempt[] } = {
  "watch-site": [{ as: "auditor", frame: () => ({ kind: "watch-site", site: "demo" }), code: "forbidden" }],
  "chat-invite": [{ as: "auditor", frame: (c) => ({ kind: "chat-invite", site: "demo", visitor: c.victimVisit }), code: "forbidden" }],
  "chat-accept": [
    { as: "viewer", frame: (c) => ({ kind: "chat-accept", conversation: c.conversation }), code: "conflict" },
    { as: "auditor", frame: (c) => ({ kind: "chat-accept", conversation: c.conversation }), code: "forbidden" },
  ],
  "chat-send": [
    { as: "viewer", frame: (c) => ({ kind: "chat-send", conversation: c.conversation, clientId: "viewer-send-1", text: "let me in" }), code: "forbidden" },
    { as: "supervisor", frame: (c) => ({ kind: "chat-send", conversation: c.conversation, clientId: "super-send-1", text: "not joined" }), code: "forbidden" },
  ],
  "chat-typing": [
    { as: "viewer", frame: (c) => ({ kind: "chat-typing", conversation: c.conversation, typing: true }), code: "forbidden" },
    { as: "supervisor", frame: (c) => ({ kind: "chat-typing", conversation: c.conversation, typing: true }), code: "forbidden" },
  ],
  "chat-resume": [
    { as: "viewer", frame: (c) => ({ kind: "chat-resume", conversation: c.conversation, afterSeq: 0 }), code: "forbidden" },
    { as: "supervisor", frame: (c) => ({ kind: "chat-resume", conversation: c.conversation, afterSeq: 0 }), code: "forbidden" },
    { as: "auditor", frame: (c) => ({ kind: "chat-resume", conversation: c.conversation, afterSeq: 0 }), code: "forbidden" },
  ],
  "chat-end": [{ as: "viewer", frame: (c) => ({ kind: "chat-end", conversation: c.conversation }), code: "forbidden" }],
  "chat-transfer": [{ as: "viewer", frame: (c) => ({ kind: "chat-transfer", conversation: c.conversation, to: "demo-viewer" }), code: "forbidden" }],
  "chat-join": [
    { as: "viewer", frame: (c) => ({ kind: "chat-join", conversation: c.conversation }), code: "forbidden" },
    { as: "supervisor", frame: () => ({ kind: "chat-join", conversation: randomUUID() }), code: "not_found" },
  ],
  "set-availability": [{ as: "auditor", frame: () => ({ kind: "set-availability", status: "online" }), code: "forbidden" }],
  "watch-availability": [{ as: "auditor", frame: () => ({ kind: "watch-availability" }), code: "forbidden" }],
  "visitors-query": [
    { as: "auditor", frame: () => ({ kind: "visitors-query", query: "list", filter: { sites: ["demo"], sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 10 } }), code: "forbidden" },
    { as: "viewer", frame: () => ({ kind: "visitors-query", query: "list", filter: { sites: ["nowhere"], sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 10 } }), code: "forbidden" },
    { as: "viewer", frame: () => ({ kind: "visitors-query", query: "list", filter: { sites: ["demo"], sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 101 } }), code: "page_too_large" },
  ],
  "visitors-stop": [{ as: "auditor", frame: () => ({ kind: "visitors-stop", query: "list" }), code: "forbidden" }],
  "chat-file-start": [
    { as: "viewer", frame: (c) => ({ kind: "chat-file-start", conversation: c.conversation, clientId: "viewer-file-1", name: "statement.pdf", size: 100 }), code: "forbidden" },
    { as: "supervisor", frame: (c) => ({ kind: "chat-file-start", conversation: c.conversation, clientId: "super-file-1", name: "statement.pdf", size: 100 }), code: "forbidden" },
  ],
  "chat-file-chunk": [
    { as: "viewer", frame: (c) => ({ kind: "chat-file-chunk", conversation: c.conversation, clientId: "viewer-file-1", data: "QUJDRA==" }), code: "forbidden" },
    { as: "supervisor", frame: (c) => ({ kind: "chat-file-chunk", conversation: c.conversation, clientId: "super-file-1", data: "QUJDRA==" }), code: "forbidden" },
  ],
};

// Every visitor kind, tried by another visit of the same site. Kinds without a conversation field
// are tried naming the victim's conversation anyway: the schema refuses the extra field.
const visitorAttempts: { readonly [K in VisitorChatKind]: { readonly frame: (c: Ctx) => Record<string, unknown> & { kind: K }; readonly code: string } } = {
  "chat-send": { frame: (c) => ({ kind: "chat-send", conversation: c.conversation, clientId: "stranger-send-1", text: "hello?" }), code: "not_found" },
  "chat-typing": { frame: (c) => ({ kind: "chat-typing", conversation: c.conversation, typing: true }), code: "not_found" },
  "chat-resume": { frame: (c) => ({ kind: "chat-resume", conversation: c.conversation, afterSeq: 0 }), code: "not_found" },
  "chat-end": { frame: (c) => ({ kind: "chat-end", conversation: c.conversation }), code: "not_found" },
  "chat-invite-answer": { frame: () => ({ kind: "chat-invite-answer", invite: randomBytes(12).toString("base64url"), answer: "accepted" }), code: "not_found" },
  "chat-start": { frame: (c) => ({ kind: "chat-start", conversation: c.conversation }), code: "bad_frame" },
  "chat-offline": { frame: (c) => ({ kind: "chat-offline", conversation: c.conversation, clientId: "stranger-off-1", name: "", email: "", text: "x" }), code: "bad_frame" },
  presence: { frame: (c) => ({ kind: "presence", conversation: c.conversation, url: "https://shop.example/", title: "", referrer: "" }), code: "bad_frame" },
  identify: { frame: (c) => ({ kind: "identify", conversation: c.conversation, token: "x.y.z" }), code: "bad_frame" },
  "chat-file-start": { frame: (c) => ({ kind: "chat-file-start", conversation: c.conversation, clientId: "stranger-file-1", name: "x.txt", size: 10 }), code: "not_found" },
  "chat-file-chunk": { frame: (c) => ({ kind: "chat-file-chunk", conversation: c.conversation, clientId: "stranger-file-1", data: "QUJDRA==" }), code: "not_found" },
  "chat-file-link": { frame: (c) => ({ kind: "chat-file-link", conversation: c.conversation, file: randomUUID() }), code: "not_found" },
  "chat-rate": { frame: (c) => ({ kind: "chat-rate", conversation: c.conversation, score: 1, comment: "not mine" }), code: "not_found" },
};

describeEachDialect("refused chat frames leave nothing behind (finding: any agent could read other agents' live chats)", (fx) => {
  let server: TestServer;
  const sockets: WsClient[] = [];
  const agents = new Map<DemoLogin, WsClient & { readonly agentId: string }>();
  let victim: { client: WsClient; visit: string };
  let ctx: Ctx;

  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl() });
    for (const login of ["agent", "viewer", "supervisor", "auditor"] as const) {
      const socket = await agentSocket(server, login);
      agents.set(login, socket);
      sockets.push(socket);
    }
    victim = await visitorSocket(server);
    sockets.push(victim.client);
    victim.client.send({ kind: "chat-start" });
    const started = await waitFor(victim.client, (f) => f.kind === "chat-conversation" && f.change === "started", "chat started");
    ctx = { conversation: String(started.conversation), victimVisit: victim.visit };
    const handler = agent("agent");
    handler.send({ kind: "chat-accept", conversation: ctx.conversation });
    await waitFor(victim.client, (f) => f.kind === "chat-conversation" && f.change === "accepted", "accepted");
  }, 120_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await server?.stop();
  });

  function agent(login: DemoLogin): WsClient & { readonly agentId: string } {
    const socket = agents.get(login);
    if (!socket) throw new Error(`no socket for ${login}`);
    return socket;
  }

  /** The victim and the handler talk (text and typing both ways) until each has heard the other. */
  async function conversationGoesOn(tag: string): Promise<string[]> {
    const handler = agent("agent");
    const fromVisitor = `${tag}: my IBAN is ${IBAN}`;
    const fromAgent = `${tag}: thank you, noted`;
    victim.client.send({ kind: "chat-typing", conversation: ctx.conversation, typing: true });
    victim.client.send({ kind: "chat-send", conversation: ctx.conversation, clientId: `v-${tag}`, text: fromVisitor });
    handler.send({ kind: "chat-typing", conversation: ctx.conversation, typing: true });
    handler.send({ kind: "chat-send", conversation: ctx.conversation, clientId: `a-${tag}`, text: fromAgent });
    await waitFor(handler, (f) => f.kind === "chat-message" && f.text === fromVisitor, "visitor's message at the handler");
    await waitFor(victim.client, (f) => f.kind === "chat-message" && f.text === fromAgent, "handler's message at the visitor");
    return [fromVisitor, fromAgent];
  }

  it("the attack run: an agent-viewer refused chat-accept and chat-resume never receives the visitor's IBAN", async () => {
    const viewer = await agentSocket(server, "viewer");
    sockets.push(viewer);
    for (const frame of [{ kind: "chat-accept", conversation: ctx.conversation }, { kind: "chat-resume", conversation: ctx.conversation, afterSeq: 0 }]) {
      const since = viewer.frames.length;
      viewer.send(frame);
      expect((await chatError(viewer, frame.kind, since)).code).toMatch(/^(conflict|forbidden)$/);
    }
    const texts = await conversationGoesOn("attack-agent");
    await barrier(viewer);
    expect(framesOf(viewer, ctx.conversation, texts)).toEqual([]);
  });

  it("the attack run: another visit refused chat-resume and chat-send never receives the conversation", async () => {
    const stranger = await visitorSocket(server);
    sockets.push(stranger.client);
    for (const frame of [{ kind: "chat-resume", conversation: ctx.conversation, afterSeq: 0 }, { kind: "chat-send", conversation: ctx.conversation, clientId: "stranger-probe-1", text: "hi" }]) {
      const since = stranger.client.frames.length;
      stranger.client.send(frame);
      expect((await chatError(stranger.client, frame.clientId ?? frame.kind, since)).code).toBe("not_found");
    }
    const texts = await conversationGoesOn("attack-visitor");
    await barrier(stranger.client);
    expect(framesOf(stranger.client, ctx.conversation, texts)).toEqual([]);
  });

  it("agent socket: every chat kind, refused, then nothing of that conversation arrives", async () => {
    expect(Object.keys(agentAttempts).sort()).toEqual([...AGENT_CHAT_KINDS].sort());
    const tried = new Set<DemoLogin>();
    const victimTypingBefore = victim.client.frames.filter((f) => f.kind === "chat-typing").length;
    for (const [kind, attempts] of Object.entries(agentAttempts)) {
      for (const attempt of attempts) {
        const socket = agent(attempt.as);
        const frame = attempt.frame(ctx);
        const since = socket.frames.length;
        socket.send(frame);
        const refusal = await chatError(socket, typeof frame.clientId === "string" ? frame.clientId : kind, since);
        expect(refusal.code, `${attempt.as} ${kind}`).toBe(attempt.code);
        tried.add(attempt.as);
      }
    }
    const texts = await conversationGoesOn("agents");
    for (const login of tried) {
      await barrier(agent(login));
      expect(framesOf(agent(login), ctx.conversation, texts), `${login} received part of the conversation`).toEqual([]);
    }
    // Only the handler's typing reached the visitor: no intruder's "agent is typing".
    await barrier(victim.client);
    expect(victim.client.frames.filter((f) => f.kind === "chat-typing").length - victimTypingBefore).toBe(1);
    // Nothing changed hands or ended: the handler still holds the chat.
    expect(victim.client.frames.filter((f) => f.kind === "chat-conversation").map((f) => f.change)).toEqual(["started", "accepted"]);
  });

  it("visitor socket: every chat kind from another visit, refused, then nothing of that conversation arrives", async () => {
    expect(Object.keys(visitorAttempts).sort()).toEqual([...VISITOR_CHAT_KINDS].sort());
    const stranger = await visitorSocket(server);
    sockets.push(stranger.client);
    const handler = agent("agent");
    const handlerTypingBefore = handler.frames.filter((f) => f.kind === "chat-typing").length;
    for (const [kind, attempt] of Object.entries(visitorAttempts)) {
      const frame = attempt.frame(ctx);
      const since = stranger.client.frames.length;
      stranger.client.send(frame);
      const refusal = await chatError(stranger.client, typeof frame.clientId === "string" && attempt.code !== "bad_frame" ? frame.clientId : kind, since);
      expect(refusal.code, kind).toBe(attempt.code);
    }
    const texts = await conversationGoesOn("visitors");
    await barrier(stranger.client);
    expect(framesOf(stranger.client, ctx.conversation, texts), "the stranger received part of the conversation").toEqual([]);
    // Only the victim's own typing reached the handler, and the conversation did not end.
    await barrier(handler);
    expect(handler.frames.filter((f) => f.kind === "chat-typing").length - handlerTypingBefore).toBe(1);
    expect(victim.client.frames.some((f) => f.kind === "chat-conversation" && f.change === "ended")).toBe(false);
  });

  // Runs last: it hands the conversation to the supervisor.
  it("an agent who hands the chat over stops receiving it (no participation, no subscription)", async () => {
    const handler = agent("agent");
    const supervisor = agent("supervisor");
    supervisor.send({ kind: "watch-site", site: "demo" }); // as the console does: transfers to it arrive there
    await barrier(supervisor);
    handler.send({ kind: "chat-transfer", conversation: ctx.conversation, to: supervisor.agentId });
    await waitFor(supervisor, (f) => f.kind === "chat-conversation" && f.conversation === ctx.conversation && f.change === "transferred", "transfer at the supervisor");
    supervisor.send({ kind: "chat-resume", conversation: ctx.conversation, afterSeq: 0 }); // as the console's new pane does
    await barrier(supervisor);
    await barrier(handler);
    const since = handler.frames.length;
    const text = `after the transfer: ${IBAN}`;
    victim.client.send({ kind: "chat-typing", conversation: ctx.conversation, typing: true });
    victim.client.send({ kind: "chat-send", conversation: ctx.conversation, clientId: "v-after-transfer", text });
    await waitFor(supervisor, (f) => f.kind === "chat-message" && f.text === text, "message at the new handler");
    await barrier(handler);
    expect(handler.frames.slice(since).filter((f) => f.kind === "chat-message" || f.kind === "chat-typing")).toEqual([]);
  });
});
