import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir } from "../policy/policy-dir.js";
import { agentSocket, chatError, visitorSocket, waitFor } from "../chat/live-chat-sockets.js";
import { ManualClock, type WsClient } from "../relay/ws-client.js";

// Routing over the real sockets, with hostile frames: a team the site lacks, a start while the
// page's team is closed, a transfer naming both an agent and a team, an agent outside the chat's
// team accepting it. Each refusal has its code and leaves no conversation behind; a transfer to a
// team puts the chat back in that team's queue, audited.

/** Tuesday 8 December 2026, 12:30 in Berlin: support is open, loans (mornings only) is closed. */
const TUESDAY_NOON = Date.parse("2026-12-08T11:30:00Z");

const routingYaml = `version: 1
offer: { timeoutSeconds: 30, asvs: [V2.1.2] }
sites:
  demo:
    timeZone: Europe/Berlin
    teams:
      support: { name: Support, groups: [airlock-agent-viewers, airlock-agents, airlock-supervisors], maxConcurrentChats: 3 }
      loans: { name: Loans, groups: [airlock-agents], maxConcurrentChats: 3, hours: { weekly: { tue: ["09:00-12:00"] } } }
      cards: { name: Cards, groups: [airlock-agents], maxConcurrentChats: 3, visitorChoice: true }
    defaultTeam: support
    pageRules: [{ prefix: /loans, team: loans }]
    asvs: [V2.1.2]
`;

describe("routing over the chat sockets", () => {
  let server: TestServer;
  let agent: WsClient & { readonly agentId: string };
  let viewer: WsClient & { readonly agentId: string };
  const clock = new ManualClock();
  clock.t = TUESDAY_NOON;
  const conversationCount = async () => Number((await server.services.storage.db.selectFrom("chat_conversation").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_POLICY_DIR: policyDir({ "routing.yaml": routingYaml }) }, { chatClock: clock });
    agent = await agentSocket(server, "agent");
    viewer = await agentSocket(server, "viewer");
    for (const a of [agent, viewer]) a.send({ kind: "watch-site", site: "demo" });
  });
  afterAll(async () => {
    agent?.close();
    viewer?.close();
    await server?.stop();
  });

  async function visitorOn(path: string): Promise<WsClient> {
    const { client } = await visitorSocket(server);
    client.send({ kind: "presence", url: `http://127.0.0.1:8080${path}`, title: "t", referrer: "" });
    await waitFor(client, (f) => f.kind === "chat-availability", "availability");
    return client;
  }

  it("refuses a team the site lacks (unknown_team) and a malformed team (bad_frame), leaving no conversation", async () => {
    const visitor = await visitorOn("/");
    const before = await conversationCount();
    let since = visitor.frames.length;
    visitor.send({ kind: "chat-start", team: "mortgages" });
    expect((await chatError(visitor, "chat-start", since)).code).toBe("unknown_team");
    since = visitor.frames.length;
    visitor.send({ kind: "chat-start", team: "<script>" });
    expect((await waitFor(visitor, (f) => visitor.frames.indexOf(f) >= since && f.kind === "chat-error", "bad team")).code).toBe("bad_frame");
    expect(await conversationCount()).toBe(before);
    visitor.close();
  });

  it("tells a visitor on a closed team's page when chat opens and refuses their start (chat_closed), leaving nothing", async () => {
    const visitor = await visitorOn("/loans");
    const availability = visitor.frames.find((f) => f.kind === "chat-availability");
    expect(availability).toEqual({ kind: "chat-availability", available: false, closed: true, opens: { inDays: 7, weekday: "tue", time: "09:00" } });
    const before = await conversationCount();
    const since = visitor.frames.length;
    visitor.send({ kind: "chat-start" });
    expect((await chatError(visitor, "chat-start", since)).code).toBe("chat_closed");
    expect(await conversationCount()).toBe(before);
    // The same visitor may still choose an open team.
    visitor.send({ kind: "chat-start", team: "cards" });
    const started = await waitFor(visitor, (f) => f.kind === "chat-conversation" && f.change === "started", "started in cards");
    const row = await server.services.storage.db.selectFrom("chat_conversation").select("team").where("id", "=", String(started.conversation)).executeTakeFirstOrThrow();
    expect(row.team).toBe("cards");
    expect((await waitFor(visitor, (f) => f.kind === "chat-queue", "place")).position).toBe(1);
    visitor.close();
  });

  it("refuses an agent outside the chat's team (not_in_team); a transfer to a team puts the chat back in its queue, audited", async () => {
    const visitor = await visitorOn("/");
    visitor.send({ kind: "chat-start", team: "cards" });
    const started = await waitFor(visitor, (f) => f.kind === "chat-conversation" && f.change === "started", "started");
    const id = String(started.conversation);
    let since = viewer.frames.length;
    viewer.send({ kind: "chat-accept", conversation: id });
    expect((await chatError(viewer, "chat-accept", since)).code).toBe("not_in_team");

    agent.send({ kind: "chat-accept", conversation: id });
    await waitFor(visitor, (f) => f.kind === "chat-conversation" && f.change === "accepted", "accepted");
    since = agent.frames.length;
    agent.send({ kind: "chat-transfer", conversation: id, to: viewer.agentId, team: "support" });
    expect((await chatError(agent, "chat-transfer", since)).code).toBe("bad_frame");
    since = agent.frames.length;
    agent.send({ kind: "chat-transfer", conversation: id, team: "mortgages" });
    expect((await chatError(agent, "chat-transfer", since)).code).toBe("unknown_team");

    const visitorSince = visitor.frames.length;
    agent.send({ kind: "chat-transfer", conversation: id, team: "support" });
    await waitFor(visitor, (f) => visitor.frames.indexOf(f) >= visitorSince && f.kind === "chat-conversation" && f.change === "queued", "back in the queue");
    await waitFor(visitor, (f) => visitor.frames.indexOf(f) >= visitorSince && f.kind === "chat-queue", "a new place");
    const row = await server.services.storage.db.selectFrom("chat_conversation").select(["state", "team", "assigned_agent_id"]).where("id", "=", id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "queued", team: "support", assigned_agent_id: null });
    const audit = await server.services.storage.db.selectFrom("audit_log").select(["action", "target"]).where("action", "=", "chat:transfer-to-team").execute();
    expect(audit).toEqual([{ action: "chat:transfer-to-team", target: `conversation:${id}` }]);
    // Now the viewer, in support, may take it.
    viewer.send({ kind: "chat-accept", conversation: id });
    await waitFor(visitor, (f) => visitor.frames.indexOf(f) >= visitorSince && f.kind === "chat-conversation" && f.change === "accepted", "accepted by the viewer");
    visitor.close();
  });

  it("lists the site's teams as transfer targets", async () => {
    const { agent: http } = await signInEnrolled(server, "agent");
    const r = await http.json(`${server.url}/api/v1/chat/agents?site=demo`);
    expect(r.body.teams).toEqual([{ id: "support", name: "Support" }, { id: "loans", name: "Loans" }, { id: "cards", name: "Cards" }]);
  });
});
