import { expect, it } from "vitest";
import { topics, type ChatEvent } from "../../src/chat/fanout.js";
import { ChatRouter } from "../../src/chat/routing/router.js";
import { routingSchema } from "../../src/policy/schema/routing.js";
import { chatSuite } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { ManualClock } from "../relay/ws-client.js";
import { visitId } from "../chat/chat-fixture.js";
import { addAgent, eventually } from "./routing-fixture.js";

// Several server processes route one site's chats: each ChatRouter here stands for one process
// (its own timers and memory, the database and the agents' consoles shared). What routing knows
// about a waiting chat — the skills its page prefers, whose offer of it ran out, an offer that
// stands — must hold on every process, and an offer must run out even when the process that
// made it stopped.

const TIMEOUT_S = 30;
const site = (id: string) => ({ [id]: { timeZone: "Europe/Berlin", teams: { loans: { name: "Loans", groups: ["bank-loans"], maxConcurrentChats: 3 } }, defaultTeam: "loans", asvs: ["V2.1.2"] } });
const policy = routingSchema.parse({
  version: 1,
  offer: { timeoutSeconds: TIMEOUT_S, asvs: ["V2.1.2"] },
  skillGroups: { "bank-mortgages": ["mortgage"] },
  sites: { ...site("skills"), ...site("orphan") },
});

describeEachDialect("routing across server processes", (fx) => {
  const suite = chatSuite(fx);
  const clock = new ManualClock();
  clock.t = Date.now();
  const available = new Map<string, string[]>();
  const process = () => new ChatRouter({ storage: suite.storage, policy: () => policy, availableAgents: (s) => available.get(s) ?? [], fanout: suite.f.fanout, clock });
  const heard = (agentId: string) => {
    const seen: ChatEvent[] = [];
    suite.f.fanout.subscribe(topics.agent(agentId), (e) => seen.push(e));
    return seen;
  };
  const offered = async (chatId: string) =>
    suite.storage.db.selectFrom("chat_conversation").select(["offered_agent_id", "expired_offer_agent_ids"]).where("id", "=", chatId).executeTakeFirstOrThrow();

  it("the skills a chat's page prefers hold on a process that did not start the chat", async () => {
    const plain = await addAgent(suite.storage, ["bank-loans"]);
    const skilled = await addAgent(suite.storage, ["bank-loans", "bank-mortgages"]);
    available.set("skills", [plain, skilled]);
    // The skilled agent is busier: only the page's preference sends the chat to them.
    const earlier = await suite.f.chat.startChat({ siteId: "skills", visitorId: visitId() });
    await suite.f.chat.accept(skilled, earlier.id);
    const toSkilled = heard(skilled);
    const c = await suite.f.chat.startChat({ siteId: "skills", visitorId: visitId() }, undefined, "loans", ["mortgage"]);
    const other = process();
    await other.route("skills");
    expect(toSkilled.map((e) => e.type === "offer" && e.conversationId)).toEqual([c.id]);
    expect((await offered(c.id)).offered_agent_id).toBe(skilled);
    other.close();
  });

  it("an offer whose process stopped runs out on another, which passes that agent over; once all had a turn the round starts again", async () => {
    const [x, y] = [await addAgent(suite.storage, ["bank-loans"]), await addAgent(suite.storage, ["bank-loans"])].sort() as [string, string];
    available.set("orphan", [x, y]);
    const [toX, toY] = [heard(x), heard(y)];
    const c = await suite.f.chat.startChat({ siteId: "orphan", visitorId: visitId() });
    const stopping = process();
    const survivor = process();
    await stopping.route("orphan");
    expect(toX.map((e) => e.type)).toEqual(["offer"]); // equal load, never idle: the lower id first
    // The survivor sees the standing offer (and leaves it); then the offering process stops.
    await survivor.route("orphan");
    stopping.close();
    expect(toY).toEqual([]);

    clock.advance(TIMEOUT_S * 1000 + 1);
    // The survivor withdraws it, tells X once, and offers the chat to Y although X is as free.
    await eventually(() => expect(toY.map((e) => e.type)).toEqual(["offer"]));
    expect(toX.map((e) => e.type)).toEqual(["offer", "offer-expired"]);
    expect(await offered(c.id)).toEqual({ offered_agent_id: y, expired_offer_agent_ids: JSON.stringify([x]) });

    // Y lets it run out too: everyone had a turn, so X is offered it again and the round restarts.
    clock.advance(TIMEOUT_S * 1000 + 1);
    await eventually(async () => expect(await offered(c.id)).toEqual({ offered_agent_id: x, expired_offer_agent_ids: null }));
    expect(toY.map((e) => e.type)).toEqual(["offer", "offer-expired"]);
    expect(toX.map((e) => e.type)).toEqual(["offer", "offer-expired", "offer"]);
    survivor.close();
  });
});
