import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { expect, it } from "vitest";
import { topics, type ChatEvent } from "../../src/chat/fanout.js";
import { messagesAfter } from "../../src/chat/messages.js";
import { ChatService } from "../../src/chat/service.js";
import { AirlockError } from "../../src/errors.js";
import type { Storage } from "../../src/storage/db.js";
import { beforeAll, describeEachDialect } from "../helpers/dialects.js";
import { chatFixture, clientId, openConversation, storedMessageRows, vaultUrlFor, visitId, type ChatFixture, type OpenConversation } from "./chat-fixture.js";

// Chat messages are written by group commit: the sends of a short window share one transaction.
// These pin down what must not change with it: every acknowledged message stored once, gapless
// sequence numbers, a conversation's order, idempotent retries, refusals that stay one message's
// own, and a batch that fails as a whole acknowledging nobody.


function delivered(f: ChatFixture, conversationId: string): ChatEvent[] {
  const events: ChatEvent[] = [];
  f.fanout.subscribe(topics.conversation(conversationId), (e) => {
    if (e.type === "message") events.push(e);
  });
  return events;
}

const codeOf = (r: PromiseSettledResult<unknown>) => (r.status === "rejected" && r.reason instanceof AirlockError ? r.reason.code : r.status);

describeEachDialect("chat messages by group commit", (fx) => {
  let f: ChatFixture;
  let storage: Storage;
  beforeAll(async () => {
    storage = await fx.open();
    f = await chatFixture(storage, { vaultUrl: await vaultUrlFor(fx) });
    return () => f.vault.close();
  });

  it("300 concurrent sends over 20 conversations: each stored once, acknowledged with its seq, delivered once, seqs gapless", async () => {
    const conversations = await Promise.all(Array.from({ length: 20 }, () => openConversation(f.chat)));
    const events = new Map(conversations.map((c) => [c.id, delivered(f, c.id)]));
    const sends = Array.from({ length: 300 }, (_, n) => {
      const c = conversations[n % conversations.length] as OpenConversation;
      return { c, clientId: clientId(), actor: n % 2 === 0 ? c.visitor : c.agent, text: `message ${n}` };
    });
    const acks = await Promise.all(sends.map((s) => f.chat.send(s.actor, s.c.id, s.clientId, s.text)));
    expect(acks.every((a) => !a.duplicate)).toBe(true);
    for (const c of conversations) {
      const rows = await storedMessageRows(storage, c.id);
      expect(rows.map((r) => Number(r.seq))).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      const ackedSeq = new Map(sends.flatMap((s, i) => (s.c === c ? [[s.clientId, acks[i]?.message.seq]] : [])));
      expect(new Map(rows.map((r) => [r.client_id, Number(r.seq)]))).toEqual(ackedSeq);
      expect(events.get(c.id)).toHaveLength(15);
      const row = await storage.db.selectFrom("chat_conversation").select("last_seq").where("id", "=", c.id).executeTakeFirstOrThrow();
      expect(Number(row.last_seq)).toBe(15);
    }
  });

  it("one conversation's messages, sent without waiting, are stored in the order they were sent", async () => {
    const c = await openConversation(f.chat);
    const texts = Array.from({ length: 40 }, (_, n) => `in order ${n}`);
    const acks = await Promise.all(texts.map((text, n) => f.chat.send(n % 3 === 0 ? c.agent : c.visitor, c.id, clientId(), text)));
    expect(acks.map((a) => a.message.seq)).toEqual(texts.map((_, n) => n + 1));
    const read = await messagesAfter(storage.db, f.keys, c.id, 0, "agent");
    expect(read.map((m) => m.text)).toEqual(texts);
  });

  it("a retried client id — in the same batch or after it committed — is stored once and answered with its first copy", async () => {
    const c = await openConversation(f.chat);
    const events = delivered(f, c.id);
    const id = clientId();
    const [first, sameBatch] = await Promise.all([f.chat.send(c.visitor, c.id, id, "hello"), f.chat.send(c.visitor, c.id, id, "hello")]);
    const later = await f.chat.send(c.visitor, c.id, id, "hello");
    expect(first?.duplicate).toBe(false);
    expect([sameBatch?.duplicate, later.duplicate]).toEqual([true, true]);
    expect([sameBatch?.message.seq, later.message.seq]).toEqual([first?.message.seq, first?.message.seq]);
    expect(later.message.text).toBe("hello");
    expect(await storedMessageRows(storage, c.id)).toHaveLength(1);
    expect(events).toHaveLength(1);
  });

  it("a send that may not be stored is refused alone; the rest of its batch is stored", async () => {
    const [open, ended] = [await openConversation(f.chat), await openConversation(f.chat)];
    await f.chat.end(ended.visitor, ended.id);
    const stranger = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const results = await Promise.allSettled([
      f.chat.send(open.visitor, open.id, clientId(), "stored 1"),
      f.chat.send(ended.visitor, ended.id, clientId(), "to an ended chat"),
      f.chat.send(stranger, open.id, clientId(), "not my chat"),
      f.chat.send({ kind: "agent", agentId: randomUUID() }, open.id, clientId(), "not assigned"),
      f.chat.send(open.visitor, randomUUID(), clientId(), "no such chat"),
      f.chat.send(open.agent, open.id, clientId(), "stored 2"),
    ]);
    expect(results.map(codeOf)).toEqual(["fulfilled", "conflict", "not_found", "forbidden", "not_found", "fulfilled"]);
    expect((await storedMessageRows(storage, open.id)).map((r) => Number(r.seq))).toEqual([1, 2]);
    expect(await storedMessageRows(storage, ended.id)).toHaveLength(0);
  });

  it("a batch that fails midway stores none of its messages and acknowledges none; the retries store each once", async () => {
    // One lane and a long window, so both conversations' sends are surely in one batch.
    const chat = new ChatService(storage, f.keys, f.fanout, Date.now, { lanes: 1, windowMs: 30 });
    const [healthy, failing] = [await openConversation(chat), await openConversation(chat)];
    const events = [delivered(f, healthy.id), delivered(f, failing.id)];
    await failLastSeqUpdate(storage, failing.id); // after the messages' INSERT, inside the batch's transaction
    const sends = [healthy, failing, healthy, failing].map((c, n) => ({ c, clientId: clientId(), text: `try ${n}` }));
    const results = await Promise.allSettled(sends.map((s) => chat.send(s.c.visitor, s.c.id, s.clientId, s.text)));
    expect(results.map(codeOf)).toEqual(["internal", "internal", "internal", "internal"]);
    const reason = (results[0] as PromiseRejectedResult).reason as AirlockError;
    expect(reason.message).toMatch(/not stored .*send it again/);
    for (const c of [healthy, failing]) expect(await storedMessageRows(storage, c.id)).toHaveLength(0);
    expect(events.flat()).toHaveLength(0);

    await sql`DROP TRIGGER IF EXISTS airlock_test_fail ${sql.raw(fx.dialect === "postgres" ? "ON chat_conversation" : "")}`.execute(storage.db);
    const retried = await Promise.all(sends.map((s) => chat.send(s.c.visitor, s.c.id, s.clientId, s.text)));
    expect(retried.every((r) => !r.duplicate)).toBe(true);
    const again = await Promise.all(sends.map((s) => chat.send(s.c.visitor, s.c.id, s.clientId, s.text)));
    expect(again.every((r) => r.duplicate)).toBe(true);
    for (const c of [healthy, failing]) expect((await storedMessageRows(storage, c.id)).map((r) => Number(r.seq))).toEqual([1, 2]);
    expect(events.flat()).toHaveLength(4);
  });

  /** A trigger that refuses to move this conversation's last_seq: the database failing mid-transaction. */
  async function failLastSeqUpdate(s: Storage, conversationId: string): Promise<void> {
    if (fx.dialect === "sqlite") {
      await sql
        .raw(`CREATE TRIGGER airlock_test_fail BEFORE UPDATE OF last_seq ON chat_conversation WHEN NEW.id = '${conversationId}' BEGIN SELECT RAISE(ABORT, 'injected failure'); END`)
        .execute(s.db);
      return;
    }
    await sql.raw(`CREATE OR REPLACE FUNCTION airlock_test_fail() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$`).execute(s.db);
    await sql
      .raw(`CREATE TRIGGER airlock_test_fail BEFORE UPDATE OF last_seq ON chat_conversation FOR EACH ROW WHEN (NEW.id = '${conversationId}') EXECUTE FUNCTION airlock_test_fail()`)
      .execute(s.db);
  }
});
