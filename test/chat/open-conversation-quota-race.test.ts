import { expect, it } from "vitest";
import { chatSuite } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { visitId } from "./chat-fixture.js";

// The open-conversations quota holds when one visit's starts race each other (two tabs, or a page
// and the next one overlapping): on PostgreSQL they take turns on the visit, SQLite has one writer.
describeEachDialect("open conversations per visit under concurrent starts", (fx) => {
  const suite = chatSuite(fx);

  it("ten simultaneous starts with a quota of two open exactly two conversations and two data keys", async () => {
    const visitor = { siteId: "demo", visitorId: visitId() };
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => suite.f.chat.startChat(visitor, 2)));
    const opened = outcomes.flatMap((o) => (o.status === "fulfilled" ? [o.value.id] : []));
    const refused = outcomes.flatMap((o) => (o.status === "rejected" ? [(o.reason as { code?: string }).code] : []));
    expect(opened).toHaveLength(2);
    expect(refused).toEqual(Array(8).fill("too_many_conversations"));
    const rows = await suite.storage.db.selectFrom("chat_conversation").select("id").where("visitor_id", "=", visitor.visitorId).execute();
    expect(rows.map((r) => r.id).sort()).toEqual([...opened].sort());
    for (const id of opened) expect(await suite.f.vault.get(id)).toBeDefined();
  });
});
