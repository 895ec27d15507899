import { randomBytes, randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { sql } from "kysely";
import { expect, it } from "vitest";
import { messagesAfter } from "../../src/chat/messages.js";
import { chatTranscriptsJob } from "../../src/chat/retention.js";
import { readTranscript, searchConversations } from "../../src/chat/transcripts.js";
import { DecryptError } from "../../src/crypto/aead.js";
import { keyIdsIn } from "../../src/crypto/key-file.js";
import { retireMasterKey, rotateMasterKey } from "../../src/crypto/rotation.js";
import { conversationWith as startConversation, chatSuite } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { postgresTool, sqliteFileBytes } from "../helpers/raw-database.js";
import { clientId, visitId } from "./chat-fixture.js";

describeEachDialect("chat encryption at rest", (fx) => {
  const suite = chatSuite(fx);

  const conversationWith = (texts: readonly string[]) => startConversation(suite.f.chat, texts);

  /** Every byte the database holds: the SQLite file and its WAL, or a pg_dump of the database. */
  async function databaseBytes(): Promise<string> {
    if (fx.dialect === "sqlite") {
      await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(suite.storage.db);
      return sqliteFileBytes(suite.url.slice("sqlite:".length));
    }
    return execFileSync(postgresTool("pg_dump"), ["--data-only", "--inserts", suite.url], { encoding: "latin1", maxBuffer: 64 * 1024 * 1024 });
  }

  it("no message text, transfer note or offline form reaches the database in plaintext", async () => {
    const marker = () => `secret-${randomBytes(8).toString("hex")}`;
    const texts = [marker(), marker(), `Grüße ${marker()} <b>bold</b>`];
    const note = marker();
    const form = marker();
    const { c, agent } = await conversationWith(texts);
    await suite.f.chat.transfer({ agentId: agent, force: false }, c.id, randomUUID(), { clientId: clientId(), text: note });
    await suite.f.chat.submitOfflineForm({ siteId: "demo", visitorId: visitId() }, { name: "Ann", email: "ann@example.test", clientId: clientId(), text: form });
    const bytes = await databaseBytes();
    for (const secret of [...texts.map((t) => t.match(/secret-[0-9a-f]+/)?.[0] ?? t), note, form]) {
      expect(bytes.includes(secret), `plaintext found in the ${fx.dialect} database`).toBe(false);
      expect(bytes.includes(Buffer.from(secret).toString("base64").slice(0, 16))).toBe(false);
    }
    // nor is any data key, even wrapped: they live in the key vault only
    const wrapped = await suite.f.vault.db.selectFrom("vault_data_key").select("wrapped_key").where("conversation_id", "=", c.id).executeTakeFirstOrThrow();
    expect(bytes.includes(wrapped.wrapped_key.slice(0, 24))).toBe(false);
    // and the data is really there, readable through the key
    expect((await messagesAfter(suite.storage.db, suite.f.keys, c.id, 0, "agent")).map((m) => m.text)).toEqual([...texts, note]);
  });

  it("a stored message cannot be moved to another row: the ciphertext is bound to its conversation and sequence number", async () => {
    const a = await conversationWith(["first message", "second message"]);
    const rows = await suite.storage.db.selectFrom("chat_message").select(["seq", "body"]).where("conversation_id", "=", a.c.id).orderBy("seq").execute();
    await suite.storage.db.updateTable("chat_message").set({ body: rows[1]?.body ?? "" }).where("conversation_id", "=", a.c.id).where("seq", "=", 1).execute();
    await expect(messagesAfter(suite.storage.db, suite.f.keys, a.c.id, 0, "agent")).rejects.toBeInstanceOf(DecryptError);
  });

  it("key rotation re-wraps every data key under a new master key and old transcripts stay readable", async () => {
    const before = await conversationWith(["written before the rotation"]);
    const outcome = await rotateMasterKey(suite.f.config, suite.f.vault, Date.now());
    expect(outcome.generated).toBe(true);
    expect(outcome.rewrapped).toBeGreaterThan(0);
    const wraps = await suite.f.vault.db.selectFrom("vault_data_key").select("master_key_id").distinct().execute();
    expect(wraps.map((w) => w.master_key_id)).toEqual([outcome.currentKeyId]);
    // the running service reads old data without a restart (its ring reloads the changed file)
    suite.f.keys.forget(before.c.id);
    expect((await suite.f.chat.resume(before.visitor, before.c.id, 0)).map((m) => m.text)).toEqual(["written before the rotation"]);
    const after = await conversationWith(["written after the rotation"]);
    expect((await suite.f.chat.resume(after.visitor, after.c.id, 0)).map((m) => m.text)).toEqual(["written after the rotation"]);
    await retireMasterKey(suite.f.config, suite.f.vault, "k1", Date.now(), 0);
    expect(keyIdsIn(suite.f.keyFile)).toEqual([outcome.currentKeyId]);
    suite.f.keys.forget(before.c.id);
    expect((await suite.f.chat.resume(before.visitor, before.c.id, 0)).length).toBe(1);
  });

  it("transcript reads are audited in the same transaction; search uses metadata only", async () => {
    const { c, agent, visitor } = await conversationWith(["hello", "hi"]);
    const auditor = randomUUID();
    const t = await readTranscript(suite.storage.db, suite.f.keys, c.id, { agentId: auditor, sourceAddress: "127.0.0.1" });
    expect(t.messages.map((m) => m.text)).toEqual(["hello", "hi"]);
    expect(t.handlers).toEqual([agent]);
    const reads = await suite.storage.db.selectFrom("audit_log").select(["actor", "action", "source_address"]).where("target", "=", `conversation:${c.id}`).execute();
    expect(reads).toEqual([{ actor: `agent:${auditor}`, action: "chatlog:read", source_address: "127.0.0.1" }]);

    expect((await searchConversations(suite.storage.db, { agentId: agent })).map((x) => x.id)).toEqual([c.id]);
    expect((await searchConversations(suite.storage.db, { visitorId: visitor.visitorId })).map((x) => x.id)).toEqual([c.id]);
    expect((await searchConversations(suite.storage.db, { siteId: "demo", from: c.createdAt, to: c.createdAt + 1 })).map((x) => x.id)).toContain(c.id);
    expect(await searchConversations(suite.storage.db, { siteId: "elsewhere" })).toEqual([]);
  });

  it("retention deletes conversations past the policy's days, keys first, on an injected clock", async () => {
    const old = await conversationWith(["old"]);
    await suite.f.chat.end(old.visitor, old.c.id);
    const fresh = await conversationWith(["fresh"]);
    const day = 86_400_000;
    const job = chatTranscriptsJob(suite.storage.db, suite.f.keys);
    const run = (now: number) => job({ now, days: 30, cutoff: now - 30 * day });
    expect(await run(Date.now() + 29 * day)).toBe(0);
    // 31 days later: the ended conversation and every never-ended one created before the cutoff go
    const removed = await run(Date.now() + 31 * day);
    expect(removed).toBeGreaterThanOrEqual(2);
    for (const id of [old.c.id, fresh.c.id]) {
      expect(await suite.f.vault.get(id)).toBeUndefined();
      expect(await suite.storage.db.selectFrom("chat_conversation").select("id").where("id", "=", id).execute()).toEqual([]);
    }
  });
});
