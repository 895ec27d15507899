import { randomUUID } from "node:crypto";
import { execFileSync } from "node:child_process";
import { copyFileSync } from "node:fs";
import { sql } from "kysely";
import { expect, it } from "vitest";
import { eraseVisitor, exportVisitor } from "../../src/chat/gdpr.js";
import { messagesAfter } from "../../src/chat/messages.js";
import { sweepOrphanKeys } from "../../src/chat/retention.js";
import { loadMasterKeys } from "../../src/auth/master-keys.js";
import { DecryptError } from "../../src/crypto/aead.js";
import { openMessage } from "../../src/crypto/message-box.js";
import { openStorage, type Storage } from "../../src/storage/db.js";
import { conversationWith as startConversation, chatSuite } from "../helpers/chat-database.js";
import { describeEachDialect, type DialectFixture } from "../helpers/dialects.js";
import { postgresTool, sqliteFileBytes } from "../helpers/raw-database.js";
import { visitId } from "../chat/chat-fixture.js";

/**
 * A copy of the whole main database as a backup or a stolen snapshot would hold it: the SQLite
 * file after a checkpoint, or a pg_dump loaded into another PostgreSQL database.
 */
async function copyMainDatabase(fx: DialectFixture, storage: Storage, url: string): Promise<string> {
  const copyUrl = await fx.freshUrl();
  if (fx.dialect === "sqlite") {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(storage.db);
    copyFileSync(url.slice("sqlite:".length), copyUrl.slice("sqlite:".length));
    return copyUrl;
  }
  const dump = execFileSync(postgresTool("pg_dump"), ["--no-owner", "--no-privileges", url], { maxBuffer: 64 * 1024 * 1024 });
  execFileSync(postgresTool("psql"), ["-q", "-v", "ON_ERROR_STOP=1", "-d", copyUrl], { input: dump, stdio: ["pipe", "ignore", "pipe"] });
  return copyUrl;
}

describeEachDialect("crypto-shredding reaches copies of the main database", (fx) => {
  const suite = chatSuite(fx);

  const conversationWith = async (texts: readonly string[], visitorId?: string) => (await startConversation(suite.f.chat, texts, visitorId)).c;

  it("after an erase, a copy taken before it cannot be decrypted with the live vault and master keys; a bystander in the same copy still can", async () => {
    const victim = visitId();
    const erased = await conversationWith(["please forget me", "of course"], victim);
    const bystander = await conversationWith(["keep me", "kept"]);
    const copyUrl = await copyMainDatabase(fx, suite.storage, suite.url);

    const exported = await exportVisitor(suite.storage.db, suite.f.keys, victim, "cli", Date.now());
    expect(exported.conversations[0]?.messages.map((m) => m.text)).toEqual(["please forget me", "of course"]);
    expect(await eraseVisitor(suite.storage.db, suite.f.keys, victim, "cli")).toEqual({ conversations: 1, shreddedKeys: 1 });
    expect(await suite.f.vault.get(erased.id)).toBeUndefined();

    const copy = openStorage(copyUrl);
    try {
      // the copy still holds the ciphertext of the erased conversation ...
      const copied = await copy.db.selectFrom("chat_message").selectAll().where("conversation_id", "=", erased.id).orderBy("seq").execute();
      expect(copied).toHaveLength(2);
      // ... but everything the live system has cannot open it: the vault no longer has its key,
      suite.f.keys.forget(erased.id);
      await expect(messagesAfter(copy.db, suite.f.keys, erased.id, 0, "agent")).rejects.toMatchObject({ code: "not_found" });
      // no master key is a data key,
      const ring = loadMasterKeys(suite.f.config);
      const first = copied[0];
      if (!first) throw new Error("copied message missing");
      const at = { conversationId: erased.id, seq: Number(first.seq), sender: first.sender_kind, kind: first.kind };
      expect(() => openMessage(ring.current.key, at, first.body)).toThrow(DecryptError);
      // and the copy itself holds no data key, wrapped or not: no table of it is about keys
      const tables = await tableNames(copy);
      expect(tables).toContain("chat_message");
      expect(tables.filter((t) => /key/.test(t))).toEqual([]);

      // the bystander's transcript in the same copy decrypts with the live vault and master keys
      suite.f.keys.forget(bystander.id);
      expect((await messagesAfter(copy.db, suite.f.keys, bystander.id, 0, "agent")).map((m) => m.text)).toEqual(["keep me", "kept"]);
    } finally {
      await copy.close();
    }

    const audit = await suite.storage.db.selectFrom("audit_log").select(["action", "target"]).where("target", "=", `visitor:${victim}`).orderBy("seq").execute();
    expect(audit).toEqual([
      { action: "gdpr.export", target: `visitor:${victim}` },
      { action: "gdpr.erase", target: `visitor:${victim}` },
    ]);
  });

  it.runIf(fx.dialect === "sqlite")("the shredded wrapped key is not left in the SQLite vault file or its write-ahead log", async () => {
    const c = await conversationWith(["short-lived"]);
    const wrapped = (await suite.f.vault.get(c.id))?.wrapped ?? "";
    const file = suite.f.config.keyVaultUrl.slice("sqlite:".length);
    const bytes = () => sqliteFileBytes(file);
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(suite.f.vault.db);
    expect(bytes()).toContain(wrapped);
    await suite.f.keys.shred([c.id]);
    expect(bytes()).not.toContain(wrapped);
  });

  it("an interrupted erase is finished by running it again; orphaned vault keys are swept by retention", async () => {
    const victim = visitId();
    const c = await conversationWith(["gone"], victim);
    // the vault step committed, the row step did not happen (a crash in between)
    await suite.f.keys.shred([c.id]);
    await expect(suite.f.chat.resume({ kind: "visitor", siteId: "demo", visitorId: victim }, c.id, 0)).rejects.toMatchObject({ code: "not_found" });
    expect(await eraseVisitor(suite.storage.db, suite.f.keys, victim, "cli")).toEqual({ conversations: 1, shreddedKeys: 0 });

    // a key whose conversation never committed: swept once past the retention cutoff, not before
    const orphan = randomUUID();
    await suite.f.keys.createFor(orphan, 1_000);
    const kept = await conversationWith(["still here"]);
    expect(await sweepOrphanKeys(suite.storage.db, suite.f.keys, 500)).toBe(0);
    expect(await sweepOrphanKeys(suite.storage.db, suite.f.keys, Date.now() + 1)).toBe(1);
    expect(await suite.f.vault.get(orphan)).toBeUndefined();
    expect(await suite.f.vault.get(kept.id)).toBeDefined();
  });
});

async function tableNames(storage: Storage): Promise<string[]> {
  if (storage.dialect === "sqlite") {
    const r = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(storage.db);
    return r.rows.map((x) => x.name);
  }
  const r = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(storage.db);
  return r.rows.map((x) => x.name);
}
