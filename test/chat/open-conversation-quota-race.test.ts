import { expect, it } from "vitest";
import type { Storage } from "../../src/storage/db.js";
import { beforeAll, describeEachDialect } from "../helpers/dialects.js";
import { chatFixture, vaultUrlFor, visitId, type ChatFixture } from "./chat-fixture.js";

// The open-conversations quota holds when one visit's starts race each other (two tabs, or a page
// and the next one overlapping): on PostgreSQL they take turns on the visit, SQLite has one writer.
describeEachDialect("open conversations per visit under concurrent starts", (fx) => {
  let storage: Storage;
  let f: ChatFixture;
  beforeAll(async () => {
    storage = await fx.open();
    f = await chatFixture(storage, { vaultUrl: await vaultUrlFor(fx) });
    return () => f.vault.close();
  });

  it("ten simultaneous starts with a quota of two open exactly two conversations and two data keys", async () => {
    const visitor = { siteId: "demo", visitorId: visitId() };
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => f.chat.startChat(visitor, 2)));
    const opened = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value.id] : []));
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code?: string }).code] : []));
    expect(opened).toHaveLength(2);
    expect(refused).toEqual(Array(8).fill("too_many_conversations"));
    const rows = await storage.db.selectFrom("chat_conversation").select("id").where("visitor_id", "=", visitor.visitorId).execute();
    expect(rows.map((r) => r.id).sort()).toEqual([...opened].sort());
    for (const id of opened) expect(await f.vault.get(id)).toBeDefined();
  });
});
