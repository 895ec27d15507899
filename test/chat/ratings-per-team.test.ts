import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { rateConversation, ratingSummary } from "../../src/chat/ratings.js";
import { chatSuite } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { visitId } from "./chat-fixture.js";

// Supervisors' figures per team: a rating counts for the team its conversation was routed to
// (per site, since team ids are each site's own), and for no team where the site routes without
// teams. Scores only, as for agents and sites.

describeEachDialect("satisfaction per team", (fx) => {
  const db = chatSuite(fx);

  async function rated(siteId: string, team: string | undefined, score: number, at: number): Promise<void> {
    const visitor = { kind: "visitor" as const, siteId, visitorId: visitId() };
    const c = await db.f.chat.startChat(visitor, undefined, team);
    await db.f.chat.accept(randomUUID(), c.id);
    await db.f.chat.end(visitor, c.id);
    await rateConversation(db.f.chat, visitor, c.id, { score, comment: "not in the figures" }, at);
  }

  it("sums up scores per site and team of the conversation as routed, in the period only", async () => {
    const t0 = 1_950_000_000_000;
    await rated("demo", "loans", 5, t0);
    await rated("demo", "loans", 2, t0 + 1);
    await rated("demo", "support", 4, t0 + 2);
    await rated("other", "loans", 1, t0 + 3); // the same team id on another site is another team
    await rated("demo", undefined, 3, t0 + 4);
    await rated("demo", "support", 1, t0 + 10_000); // after the period
    const summary = await ratingSummary(db.storage.db, { from: t0, to: t0 + 10_000 });
    const byTeam = Object.fromEntries(summary.teams.map((t) => [`${t.site}/${t.team ?? "-"}`, { count: t.count, average: t.average, scores: t.scores }]));
    expect(byTeam).toEqual({
      "demo/loans": { count: 2, average: 3.5, scores: [0, 1, 0, 0, 1] },
      "demo/support": { count: 1, average: 4, scores: [0, 0, 0, 1, 0] },
      "other/loans": { count: 1, average: 1, scores: [1, 0, 0, 0, 0] },
      "demo/-": { count: 1, average: 3, scores: [0, 0, 1, 0, 0] },
    });
    const demoOnly = await ratingSummary(db.storage.db, { from: t0, to: t0 + 10_000, siteId: "demo" });
    expect(demoOnly.teams.map((t) => `${t.site}/${t.team ?? "-"}`).sort()).toEqual(["demo/-", "demo/loans", "demo/support"]);
    expect(JSON.stringify(summary)).not.toContain("not in the figures");
  });
});
