import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../helpers/server.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import { clientId, visitId } from "./chat-fixture.js";

// The chat HTTP API on a real server with real sign-ins through the dev IdP: who may read
// transcripts, search them, erase a visitor, and manage canned responses.
describe("chat HTTP API", () => {
  let server: TestServer;
  const as: Record<string, HttpAgent> = {};
  beforeAll(async () => {
    server = await startIdentityServer();
    for (const login of ["agent", "auditor", "admin", "supervisor"]) as[login] = (await signInEnrolled(server, login)).agent;
  });
  afterAll(() => server.stop());

  async function conversationHandledByDemoAgent(texts: readonly string[]) {
    const chat = server.services.chat.service;
    const { id: agentId } = await server.services.storage.db.selectFrom("agent").select("id").where("subject", "=", "demo-agent").executeTakeFirstOrThrow();
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const c = await chat.startChat(visitor);
    await chat.accept(agentId, c.id);
    for (const [i, text] of texts.entries()) await chat.send(i % 2 ? { kind: "agent", agentId } : visitor, c.id, clientId(), text);
    return { c, visitor, agentId };
  }

  it("an auditor reads a transcript (audited); the agent who handled it cannot", async () => {
    const { c, agentId } = await conversationHandledByDemoAgent(["I need help with <b>my order</b>", "Sure, one moment"]);
    const denied = await as.agent!.json(`${server.url}/api/v1/transcripts/${c.id}`);
    expect(denied.status).toBe(403);
    const read = await as.auditor!.json(`${server.url}/api/v1/transcripts/${c.id}`);
    expect(read.status).toBe(200);
    const body = read.body as { messages: { text: string }[]; handlers: string[] };
    expect(body.messages.map((m) => m.text)).toEqual(["I need help with <b>my order</b>", "Sure, one moment"]);
    expect(body.handlers).toEqual([agentId]);
    const audit = await server.services.storage.db.selectFrom("audit_log").select(["action", "decision"]).where("target", "=", `conversation:${c.id}`).execute();
    expect(audit).toEqual([{ action: "chatlog:read", decision: "success" }]);
    expect((await as.auditor!.json(`${server.url}/api/v1/transcripts/not-a-uuid`)).status).toBe(400);
  });

  it("auditors search by site, agent, visitor and date; bad parameters get bad_request", async () => {
    const { c, visitor, agentId } = await conversationHandledByDemoAgent(["hello"]);
    const q = (query: string) => as.auditor!.json(`${server.url}/api/v1/transcripts?${query}`);
    const ids = async (query: string) => ((await q(query)).body as { conversations: { id: string }[] }).conversations.map((x) => x.id);
    expect(await ids(`visitor=${visitor.visitorId}`)).toEqual([c.id]);
    expect(await ids(`agent=${agentId}&site=demo`)).toContain(c.id);
    expect(await ids(`site=demo&from=${c.createdAt}&to=${c.createdAt + 1}`)).toContain(c.id);
    expect(await ids(`site=demo&to=${c.createdAt}`)).not.toContain(c.id);
    const bad = await q("visitor=x");
    expect(bad.status).toBe(400);
    expect((bad.body as { error: { code: string } }).error.code).toBe("bad_request");
    expect((await as.agent!.json(`${server.url}/api/v1/transcripts?site=demo`)).status).toBe(403);
  });

  it("auditors export and admins erase a visitor through the API; agents and auditors may not erase, admins may not export", async () => {
    const { visitor } = await conversationHandledByDemoAgent(["erase me"]);
    expect((await as.agent!.json(`${server.url}/api/v1/gdpr/erase`, "POST", { visitor: visitor.visitorId })).status).toBe(403);
    expect((await as.auditor!.json(`${server.url}/api/v1/gdpr/erase`, "POST", { visitor: visitor.visitorId })).status).toBe(403);
    expect((await as.admin!.json(`${server.url}/api/v1/gdpr/export`, "POST", { visitor: visitor.visitorId })).status).toBe(403);
    const exported = await as.auditor!.json(`${server.url}/api/v1/gdpr/export`, "POST", { visitor: visitor.visitorId });
    expect(exported.status).toBe(200);
    expect(JSON.stringify(exported.body)).toContain("erase me");
    const erased = await as.admin!.json(`${server.url}/api/v1/gdpr/erase`, "POST", { visitor: visitor.visitorId });
    expect(erased).toEqual({ status: 200, body: { conversations: 1, shreddedKeys: 1 } });
    const again = await as.auditor!.json(`${server.url}/api/v1/gdpr/export`, "POST", { visitor: visitor.visitorId });
    expect((again.body as { conversations: unknown[] }).conversations).toEqual([]);
    expect((await as.admin!.json(`${server.url}/api/v1/gdpr/erase`, "POST", { visitor: "short" })).status).toBe(400);
  });

  it("supervisors manage canned responses; agents read their teams' and cannot write", async () => {
    const created = await as.supervisor!.json(`${server.url}/api/v1/chat/canned-responses`, "POST", { team: "airlock-agents", title: "Greeting", body: "Hello! How can I help?" });
    expect(created.status).toBe(201);
    await as.supervisor!.json(`${server.url}/api/v1/chat/canned-responses`, "POST", { team: "*", title: "Bye", body: "Have a nice day." });
    await as.supervisor!.json(`${server.url}/api/v1/chat/canned-responses`, "POST", { team: "airlock-agent-viewers", title: "Other team", body: "not for agents" });
    const list = await as.agent!.json(`${server.url}/api/v1/chat/canned-responses`);
    expect((list.body as { responses: { title: string }[] }).responses.map((r) => r.title).sort()).toEqual(["Bye", "Greeting"]);
    expect((await as.agent!.json(`${server.url}/api/v1/chat/canned-responses`, "POST", { team: "*", title: "x", body: "y" })).status).toBe(403);
    const id = (created.body as { id: string }).id;
    expect((await as.supervisor!.json(`${server.url}/api/v1/chat/canned-responses/${id}`, "PUT", { title: "Hi", body: "Hi there" })).status).toBe(204);
    expect((await as.supervisor!.json(`${server.url}/api/v1/chat/canned-responses/${id}`, "DELETE")).status).toBe(204);
    expect((await as.supervisor!.json(`${server.url}/api/v1/chat/canned-responses/${id}`, "DELETE")).status).toBe(404);
  });

  it("supervisors see live statistics; agents see the queue", async () => {
    await server.services.chat.service.startChat({ siteId: "demo", visitorId: visitId() });
    const stats = await as.supervisor!.json(`${server.url}/api/v1/chat/stats?site=demo`);
    expect(stats.status).toBe(200);
    expect(stats.body).toMatchObject({ site: "demo", waiting: expect.any(Number), active: expect.any(Number), averageWaitMs: expect.any(Number), agentsOnline: 0 });
    expect((stats.body as { waiting: number }).waiting).toBeGreaterThan(0);
    expect((await as.agent!.json(`${server.url}/api/v1/chat/stats?site=demo`)).status).toBe(403);
    const queue = await as.agent!.json(`${server.url}/api/v1/chat/queue?site=demo`);
    expect((queue.body as { waiting: unknown[] }).waiting.length).toBeGreaterThan(0);
    expect((await as.agent!.json(`${server.url}/api/v1/chat/queue?site=Not_A_Site`)).status).toBe(400);
  });
});
