import { expect, it } from "vitest";
import { topics, type ChatEvent } from "../../src/chat/fanout.js";
import { ChatRouter } from "../../src/chat/routing/router.js";
import { routingSchema } from "../../src/policy/schema/routing.js";
import { chatSuite } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { ManualClock } from "../relay/ws-client.js";
import { visitId } from "../chat/chat-fixture.js";
import { addAgent, eventually } from "./routing-fixture.js";

// Routing over a real database: a waiting chat is offered to the available agent of its team with
// the most free capacity (ties: idle longest); an unanswered offer moves on when the policy's
// timeout passes on the manual clock; every waiting visitor is told their place in their queue.

const TIMEOUT_S = 30;
const siteRules = (maxConcurrentChats: number) => ({
  timeZone: "Europe/Berlin",
  teams: {
    loans: { name: "Loans", groups: ["bank-loans"], maxConcurrentChats },
    cards: { name: "Cards", groups: ["bank-cards"], maxConcurrentChats },
  },
  defaultTeam: "loans",
  asvs: ["V2.1.2"],
});
const policy = routingSchema.parse({
  version: 1,
  offer: { timeoutSeconds: TIMEOUT_S, asvs: ["V2.1.2"] },
  sites: { capacity: siteRules(2), idle: siteRules(2), teams: siteRules(2), timeout: siteRules(2), full: siteRules(1) },
});

describeEachDialect("capacity routing", (fx) => {
  const suite = chatSuite(fx);
  const clock = new ManualClock();
  clock.t = Date.now();
  // Each test routes its own site, so offers left by an earlier test never reach this one's agents.
  const availableBySite = new Map<string, string[]>();
  const router = () => new ChatRouter({ storage: suite.storage, policy: () => policy, availableAgents: (site) => availableBySite.get(site) ?? [], fanout: suite.f.fanout, clock });
  const offersTo = (agentId: string) => {
    const seen: ChatEvent[] = [];
    suite.f.fanout.subscribe(topics.agent(agentId), (e) => seen.push(e));
    return seen;
  };
  const start = (site: string, team?: string) => suite.f.chat.startChat({ siteId: site, visitorId: visitId() }, undefined, team);

  it("offers a new chat to the team's agent with the most free capacity", async () => {
    const busy = await addAgent(suite.storage, ["bank-loans"]);
    const free = await addAgent(suite.storage, ["bank-loans"]);
    availableBySite.set("capacity", [busy, free]);
    const earlier = await start("capacity");
    await suite.f.chat.accept(busy, earlier.id);
    const toFree = offersTo(free);
    const c = await start("capacity");
    await router().route("capacity");
    expect(toFree).toEqual([{ type: "offer", conversationId: c.id, site: "capacity", team: "loans", expiresAt: clock.t + TIMEOUT_S * 1000 }]);
    const row = await suite.storage.db.selectFrom("chat_conversation").select(["offered_agent_id", "team"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    // No team named: it waits in the site's default team (stored as none).
    expect(row).toEqual({ offered_agent_id: free, team: null });
  });

  it("breaks a tie in free capacity by the agent idle longest", async () => {
    const recent = await addAgent(suite.storage, ["bank-loans"]);
    const idle = await addAgent(suite.storage, ["bank-loans"]);
    availableBySite.set("idle", [recent, idle]);
    // Both handled one chat that has ended; `recent` took theirs later.
    for (const agent of [idle, recent]) {
      const done = await start("idle");
      await suite.f.chat.accept(agent, done.id);
      await suite.f.chat.end({ kind: "agent", agentId: agent }, done.id);
      await new Promise((r) => setTimeout(r, 5));
    }
    const toIdle = offersTo(idle);
    const c = await start("idle");
    await router().route("idle");
    expect(toIdle.map((e) => e.type === "offer" && e.conversationId)).toEqual([c.id]);
  });

  it("offers a chat only to agents of its team", async () => {
    const loans = await addAgent(suite.storage, ["bank-loans"]);
    const cards = await addAgent(suite.storage, ["bank-cards"]);
    availableBySite.set("teams", [loans, cards]);
    const toLoans = offersTo(loans);
    const toCards = offersTo(cards);
    const c = await start("teams", "cards");
    await router().route("teams");
    expect(toCards.map((e) => e.type === "offer" && e.conversationId)).toEqual([c.id]);
    expect(toLoans).toEqual([]);
  });

  it("moves an unanswered offer to the next agent when the policy's timeout passes, and stops once accepted", async () => {
    const first = await addAgent(suite.storage, ["bank-loans"]);
    const second = await addAgent(suite.storage, ["bank-loans"]);
    const [a, b] = [first, second].sort() as [string, string];
    availableBySite.set("timeout", [a, b]);
    const toA = offersTo(a);
    const toB = offersTo(b);
    const r = router();
    const c = await start("timeout");
    await r.route("timeout");
    expect(toA.map((e) => e.type)).toEqual(["offer"]); // equal load, never idle: the lower id first
    clock.advance(TIMEOUT_S * 1000 - 1);
    expect(toB).toEqual([]);
    clock.advance(1);
    await eventually(() => expect(toB.map((e) => e.type)).toEqual(["offer"]));
    expect(toA.map((e) => e.type)).toEqual(["offer", "offer-expired"]);
    await suite.f.chat.accept(b, c.id);
    clock.advance(TIMEOUT_S * 1000);
    await r.route("timeout");
    expect(toB.map((e) => e.type)).toEqual(["offer"]);
    const row = await suite.storage.db.selectFrom("chat_conversation").select(["state", "assigned_agent_id", "offered_agent_id"]).where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: "active", assigned_agent_id: b, offered_agent_id: null });
    r.close();
  });

  it("offers nothing to an agent at capacity and tells each waiting visitor their place in their team's queue", async () => {
    const agent = await addAgent(suite.storage, ["bank-loans", "bank-cards"]);
    availableBySite.set("full", [agent]);
    const busy = await start("full");
    await suite.f.chat.accept(agent, busy.id);
    const toAgent = offersTo(agent);
    const chats = [await start("full", "loans"), await start("full", "cards"), await start("full", "loans")];
    const places = new Map<string, number>();
    for (const c of chats) suite.f.fanout.subscribe(topics.conversation(c.id), (e) => e.type === "queue" && places.set(c.id, e.position));
    await router().route("full");
    expect(toAgent).toEqual([]);
    expect(chats.map((c) => places.get(c.id))).toEqual([1, 1, 2]);
    await suite.f.chat.accept(agent, chats[0]?.id ?? "");
    await router().route("full");
    expect(places.get(chats[2]?.id ?? "")).toBe(1);
  });
});
