import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { topics, type ChatEvent } from "../../src/chat/fanout.js";
import { chatSuite } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { clientId, visitId } from "./chat-fixture.js";
import { codeOf } from "../helpers/refusal.js";

describeEachDialect("chat conversations", (fx) => {
  const suite = chatSuite(fx);

  it("queue, accept, exchange, transfer with a note only agents see, end", async () => {
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const alice = randomUUID();
    const bob = randomUUID();
    const queueEvents: ChatEvent[] = [];
    const stop = suite.f.fanout.subscribe(topics.site("demo"), (e) => queueEvents.push(e));

    const c = await suite.f.chat.startChat(visitor);
    expect(c.state).toBe("queued");
    await suite.f.chat.send(visitor, c.id, clientId(), "Hello, I need help");
    await suite.f.chat.accept(alice, c.id);
    expect(await codeOf(suite.f.chat.accept(bob, c.id))).toBe("conflict");
    await suite.f.chat.send({ kind: "agent", agentId: alice }, c.id, clientId(), "Hi, Alice here");
    expect(await codeOf(suite.f.chat.send({ kind: "agent", agentId: bob }, c.id, clientId(), "not mine"))).toBe("forbidden");

    await suite.f.chat.transfer({ agentId: alice, force: false }, c.id, bob, { clientId: clientId(), text: "wants a refund" });
    expect(await codeOf(suite.f.chat.send({ kind: "agent", agentId: alice }, c.id, clientId(), "still here?"))).toBe("forbidden");
    await suite.f.chat.send({ kind: "agent", agentId: bob }, c.id, clientId(), "Bob continues");

    const seen = await suite.f.chat.resume(visitor, c.id, 0);
    expect(seen.map((m) => m.text)).toEqual(["Hello, I need help", "Hi, Alice here", "Bob continues"]);
    const agents = await suite.f.chat.resume({ kind: "agent", agentId: bob }, c.id, 0);
    expect(agents.map((m) => [m.seq, m.kind, m.text])).toEqual([
      [1, "text", "Hello, I need help"],
      [2, "text", "Hi, Alice here"],
      [3, "note", "wants a refund"],
      [4, "text", "Bob continues"],
    ]);

    // another visit (or another site) cannot see or write into this conversation
    const stranger = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    expect(await codeOf(suite.f.chat.resume(stranger, c.id, 0))).toBe("not_found");
    expect(await codeOf(suite.f.chat.send({ ...visitor, siteId: "other" }, c.id, clientId(), "x"))).toBe("not_found");

    await suite.f.chat.end(visitor, c.id);
    expect(await codeOf(suite.f.chat.send(visitor, c.id, clientId(), "after the end"))).toBe("conflict");
    stop.stop();
    expect(queueEvents.map((e) => (e.type === "conversation" ? e.change : e.type))).toEqual(["queued", "accepted", "transferred", "ended"]);
  });

  it("a retried client id stores and delivers the message once", async () => {
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const c = await suite.f.chat.startChat(visitor);
    const delivered: ChatEvent[] = [];
    const stop = suite.f.fanout.subscribe(topics.conversation(c.id), (e) => e.type === "message" && delivered.push(e));
    const id = clientId();
    const first = await suite.f.chat.send(visitor, c.id, id, "only once");
    const retry = await suite.f.chat.send(visitor, c.id, id, "only once");
    stop.stop();
    expect(first.duplicate).toBe(false);
    expect(retry).toMatchObject({ duplicate: true, message: { seq: first.message.seq, text: "only once" } });
    expect(delivered).toHaveLength(1);
    expect((await suite.f.chat.resume(visitor, c.id, 0)).length).toBe(1);
  });

  it("concurrent senders on both sides get gapless, unique sequence numbers; retries never duplicate", async () => {
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const agent = randomUUID();
    const c = await suite.f.chat.startChat(visitor);
    await suite.f.chat.accept(agent, c.id);
    const ids = Array.from({ length: 40 }, () => clientId());
    const sends = ids.flatMap((id, i) => {
      const actor = i % 2 === 0 ? visitor : { kind: "agent" as const, agentId: agent };
      // every message is sent twice at once, as a client retrying on a lost ack would
      return [suite.f.chat.send(actor, c.id, id, `m${i}`), suite.f.chat.send(actor, c.id, id, `m${i}`)];
    });
    const results = await Promise.allSettled(sends);
    // on PostgreSQL two racing copies may meet the unique constraint; the client then retries
    for (const [i, r] of results.entries()) {
      if (r.status === "rejected") {
        const id = ids[Math.floor(i / 2)] as string;
        const actor = Math.floor(i / 2) % 2 === 0 ? visitor : { kind: "agent" as const, agentId: agent };
        await suite.f.chat.send(actor, c.id, id, `m${Math.floor(i / 2)}`);
      }
    }
    const all = await suite.f.chat.resume({ kind: "agent", agentId: agent }, c.id, 0);
    expect(all.map((m) => m.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(all.map((m) => m.clientId)).size).toBe(40);
    expect(new Set(all.map((m) => m.text))).toEqual(new Set(ids.map((_, i) => `m${i}`)));
  });

  it("rejects empty and over-long text with specific codes and stores nothing", async () => {
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const c = await suite.f.chat.startChat(visitor);
    expect(await codeOf(suite.f.chat.send(visitor, c.id, clientId(), "  \u0000 "))).toBe("bad_request");
    expect(await codeOf(suite.f.chat.send(visitor, c.id, clientId(), "x".repeat(2001)))).toBe("payload_too_large");
    expect(await suite.f.chat.resume(visitor, c.id, 0)).toEqual([]);
  });

  it("a supervisor who joined may write; the join is audited", async () => {
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const agent = randomUUID();
    const supervisor = randomUUID();
    const c = await suite.f.chat.startChat(visitor);
    await suite.f.chat.accept(agent, c.id);
    expect(await codeOf(suite.f.chat.send({ kind: "agent", agentId: supervisor }, c.id, clientId(), "hi"))).toBe("forbidden");
    await suite.f.chat.join(supervisor, c.id);
    await suite.f.chat.send({ kind: "agent", agentId: supervisor }, c.id, clientId(), "supervisor here");
    const audit = await suite.storage.db.selectFrom("audit_log").selectAll().where("target", "=", `conversation:${c.id}`).execute();
    expect(audit.map((a) => [a.actor, a.action])).toEqual([[`agent:${supervisor}`, "chat:supervise"]]);
  });
});
