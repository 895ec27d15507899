import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { toConversation } from "../../src/chat/conversations.js";
import { topics, type ChatEvent } from "../../src/chat/fanout.js";
import { messagesAfter } from "../../src/chat/messages.js";
import { appendOptimistically, ConversationPredictions } from "../../src/chat/optimistic-append.js";
import { ChatService, type ChatActor } from "../../src/chat/service.js";
import { AirlockError } from "../../src/errors.js";
import type { Storage } from "../../src/storage/db.js";
import { beforeAll, describeEachDialect } from "../helpers/dialects.js";
import { chatFixture, clientId, openConversation, storedMessageRows, vaultUrlFor, type ChatFixture } from "./chat-fixture.js";

// Two server processes write the same conversations: each one's chat service remembers what it
// last saw of a conversation (on PostgreSQL, to store a batch in one statement), and the other
// moves on behind its back. Whatever one remembers, the database decides: seqs stay gapless, a
// message is stored once, an ended or transferred chat refuses what it must, a retry finds its
// first copy. Two ChatService instances on one database stand for the two processes.


const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === "rejected" && r.reason instanceof AirlockError ? r.reason.code : r.status);

describeEachDialect("chat writes from two server processes", (fx) => {
  let f: ChatFixture;
  let storage: Storage;
  let a: ChatService;
  let b: ChatService;
  beforeAll(async () => {
    storage = await fx.open();
    f = await chatFixture(storage, { vaultUrl: await vaultUrlFor(fx) });
    a = new ChatService(storage, f.keys, f.fanout);
    b = new ChatService(storage, f.keys, f.fanout);
    return () => f.vault.close();
  });

  it("both write one conversation at once: every message stored once, acknowledged as new, seqs gapless, each sender's order kept", async () => {
    const c = await openConversation(a);
    const delivered: ChatEvent[] = [];
    f.fanout.subscribe(topics.conversation(c.id), (e) => {
      if (e.type === "message") delivered.push(e);
    });
    // Each process first learns the conversation, then both write without waiting for each other.
    await a.send(c.visitor, c.id, clientId(), "warm a");
    await b.send(c.agent, c.id, clientId(), "warm b");
    const fromA = Array.from({ length: 60 }, (_, n) => ({ id: clientId(), text: `visitor ${n}` }));
    const fromB = Array.from({ length: 60 }, (_, n) => ({ id: clientId(), text: `agent ${n}` }));
    const acks = await Promise.all([...fromA.map((m) => a.send(c.visitor, c.id, m.id, m.text)), ...fromB.map((m) => b.send(c.agent, c.id, m.id, m.text))]);
    expect(acks.every((ack) => !ack.duplicate)).toBe(true);

    const rows = await storedMessageRows(storage, c.id);
    expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 122 }, (_, i) => i + 1));
    expect(new Set(rows.map((r) => r.client_id)).size).toBe(122);
    const acked = new Map(acks.map((ack) => [ack.message.clientId, ack.message.seq]));
    for (const r of rows.slice(2)) expect(acked.get(r.client_id)).toBe(Number(r.seq));
    const read = await messagesAfter(storage.db, f.keys, c.id, 0, "agent");
    expect(read.filter((m) => m.sender === "visitor").map((m) => m.text)).toEqual(["warm a", ...fromA.map((m) => m.text)]);
    expect(read.filter((m) => m.sender === "agent").map((m) => m.text)).toEqual(["warm b", ...fromB.map((m) => m.text)]);
    expect(delivered).toHaveLength(122);
    const conversation = await storage.db.selectFrom("chat_conversation").select("last_seq").where("id", "=", c.id).executeTakeFirstOrThrow();
    expect(Number(conversation.last_seq)).toBe(122);
  });

  it("a chat ended or transferred through one process is refused on the other, which last saw it open with its old handler", async () => {
    const [ended, moved] = [await openConversation(a), await openConversation(a)];
    for (const c of [ended, moved]) {
      await a.send(c.visitor, c.id, clientId(), "seen open by a");
      await a.send(c.agent, c.id, clientId(), "seen assigned by a");
    }
    await b.end(ended.visitor, ended.id);
    const newHandler: ChatActor = { kind: "agent", agentId: randomUUID() };
    await b.transfer({ agentId: moved.agent.agentId, force: false }, moved.id, (newHandler as { agentId: string }).agentId, undefined);

    const results = await Promise.allSettled([
      a.send(ended.visitor, ended.id, clientId(), "after the end"),
      a.send(moved.agent, moved.id, clientId(), "old handler after the transfer"),
      a.send(moved.visitor, moved.id, clientId(), "visitor after the transfer"),
      a.send(newHandler, moved.id, clientId(), "new handler"),
    ]);
    expect(results.map(codeOf)).toEqual(["conflict", "forbidden", "fulfilled", "fulfilled"]);
    expect(await storedMessageRows(storage, ended.id)).toHaveLength(2);
    const texts = (await messagesAfter(storage.db, f.keys, moved.id, 0, "agent")).filter((m) => m.kind === "text").map((m) => m.text);
    expect(texts).toEqual(["seen open by a", "seen assigned by a", "visitor after the transfer", "new handler"]);
  });

  it("a client id retried on the other process finds its first copy; the rest of that batch is stored once", async () => {
    const batching = new ChatService(storage, f.keys, f.fanout, Date.now, { lanes: 1, windowMs: 30 });
    const c = await openConversation(a);
    await batching.send(c.visitor, c.id, clientId(), "batching process learns the chat");
    const id = clientId();
    const first = await a.send(c.visitor, c.id, id, "sent once");
    const [retry, other, agents] = await Promise.all([
      batching.send(c.visitor, c.id, id, "sent once"),
      batching.send(c.visitor, c.id, clientId(), "in the same batch"),
      batching.send(c.agent, c.id, clientId(), "the agent in the same batch"),
    ]);
    expect(retry).toMatchObject({ duplicate: true, message: { seq: first.message.seq, text: "sent once" } });
    expect([other.duplicate, agents.duplicate]).toEqual([false, false]);
    expect([other.message.seq, agents.message.seq]).toEqual([first.message.seq + 1, first.message.seq + 2]);
    expect((await storedMessageRows(storage, c.id)).map((r) => Number(r.seq))).toEqual([1, 2, 3, 4]);
  });

  it("a supervisor who joined writes between the visitor and the handler, in order", async () => {
    const c = await openConversation(a);
    const supervisor: ChatActor = { kind: "agent", agentId: randomUUID() };
    await a.send(c.visitor, c.id, clientId(), "before the supervisor");
    await b.join((supervisor as { agentId: string }).agentId, c.id);
    const texts = ["visitor 1", "supervisor 1", "handler 1", "visitor 2", "supervisor 2"];
    const actors = [c.visitor, supervisor, c.agent, c.visitor, supervisor];
    await Promise.all(texts.map((text, n) => a.send(actors[n] as ChatActor, c.id, clientId(), text)));
    const read = (await messagesAfter(storage.db, f.keys, c.id, 0, "agent")).filter((m) => m.kind === "text").map((m) => m.text);
    expect(read).toEqual(["before the supervisor", ...texts]);
  });

  it.runIf(fx.dialect === "postgres")("on PostgreSQL a batch the prediction covers is stored by one statement; a stale prediction leaves its sends to the locking path, storing nothing", async () => {
    const [fresh, stale] = [await openConversation(a), await openConversation(a)];
    const predictions = new ConversationPredictions();
    const sends = [
      { actor: fresh.visitor, conversationId: fresh.id, clientId: clientId(), text: "one" },
      { actor: fresh.agent, conversationId: fresh.id, clientId: clientId(), text: "two" },
      { actor: stale.visitor, conversationId: stale.id, clientId: clientId(), text: "three" },
    ];
    const now = Date.now();
    // Both conversations are read and predicted; then another process writes to `stale`.
    const warm = await appendOptimistically(storage.db, f.keys, predictions, sends.slice(0, 1), now);
    expect([...warm.stored.keys()]).toEqual([0]);
    predictions.remember(toConversation(await storage.db.selectFrom("chat_conversation").selectAll().where("id", "=", stale.id).executeTakeFirstOrThrow()));
    await b.send(stale.visitor, stale.id, clientId(), "written elsewhere");

    const next = sends.map((s) => ({ ...s, clientId: clientId() }));
    const outcome = await appendOptimistically(storage.db, f.keys, predictions, next, now);
    expect([...outcome.stored.keys()]).toEqual([0, 1]);
    expect([...outcome.stored.values()].map((r) => r.message.seq)).toEqual([2, 3]);
    expect(outcome.rest).toEqual([2]);
    expect((await storedMessageRows(storage, stale.id)).map((r) => Number(r.seq))).toEqual([1]);
    expect(predictions.get(stale.id)).toBeUndefined();
    expect(predictions.get(fresh.id)?.lastSeq).toBe(3);
  });
});
