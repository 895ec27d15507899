import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { recordAudit } from "../../src/audit/trail.js";
import { cobrowseEventsOf, linkCobrowseSession } from "../../src/chat/cobrowse-timeline.js";
import { findConversation } from "../../src/chat/conversations.js";
import { sessionAuditEntry } from "../../src/relay/relay-audit.js";
import { openStorage } from "../../src/storage/db.js";
import { migrateUp } from "../../src/storage/migrate.js";
import { describeEachDialect } from "../helpers/dialects.js";

// A co-browse session is linked to the open chats of its visit when it starts; the transcript
// reads that session's start, mode changes and end from the audit trail, and nothing of another
// session, another visit or a chat that had already ended.

describeEachDialect("co-browse events of a conversation", (fx) => {
  it("links a starting session to the visit's open chats only and reads back its events in order", async () => {
    const storage = openStorage(await fx.freshUrl());
    try {
      expect((await migrateUp(storage)).ok).toBe(true);
      const db = storage.db;
      const visit = "visit-aaaaaaaaaaaaaaaa";
      const chat = async (state: "active" | "ended", visitor = visit) => {
        const id = randomUUID();
        await db.insertInto("chat_conversation").values({ id, site_id: "demo", visitor_id: visitor, state, assigned_agent_id: null, last_seq: 0, created_at: 1, accepted_at: null, ended_at: state === "ended" ? 2 : null }).execute();
        return id;
      };
      const open = await chat("active");
      const earlier = await chat("ended");
      const stranger = await chat("active", "visit-bbbbbbbbbbbbbbbb");

      await linkCobrowseSession(db, { session: "s1", site: "demo", visit }, 10);
      await linkCobrowseSession(db, { session: "s1", site: "demo", visit }, 11); // again: idempotent
      const audit = (event: Parameters<typeof sessionAuditEntry>[0], meta: Record<string, string>) => recordAudit(db, sessionAuditEntry(event, meta));
      await audit("cobrowse.start", { room: "s1", site: "demo" });
      await audit("cobrowse.consent", { room: "s1", site: "demo", agent: "a1", mode: "control", step: "given" });
      await audit("cobrowse.mode", { room: "s1", site: "demo", mode: "control" });
      await audit("cobrowse.start", { room: "s2", site: "demo" }); // another session, not linked
      await audit("cobrowse.end", { room: "s1", site: "demo", reason: "visitor_ended" });

      const of = async (id: string) => {
        const c = await findConversation(db, id);
        if (!c) throw new Error("no conversation");
        return (await cobrowseEventsOf(db, c)).map(({ at: _at, ...e }) => e);
      };
      expect(await of(open)).toEqual([{ kind: "started" }, { kind: "mode", mode: "control" }, { kind: "ended", reason: "visitor_ended" }]);
      expect(await of(earlier)).toEqual([]);
      expect(await of(stranger)).toEqual([]);
      expect(await db.selectFrom("chat_cobrowse_session").selectAll().execute()).toHaveLength(1);

      // Deleted with its conversation (retention, erasure).
      await db.deleteFrom("chat_conversation").where("id", "=", open).execute();
      expect(await db.selectFrom("chat_cobrowse_session").selectAll().execute()).toHaveLength(0);
    } finally {
      await storage.close();
    }
  });
});
