import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import { eraseConversations } from "../../src/chat/erasure.js";
import { applyChatRetention } from "../../src/chat/retention.js";
import { rateConversation, ratingOf, ratingSummary } from "../../src/chat/ratings.js";
import { VisitorChatConnection } from "../../src/chat/visitor-connection.js";
import { MAX_RATING_COMMENT_CHARS } from "../../src/protocol/chat-frames.js";
import { PolicyEngine } from "../../src/policy/engine.js";
import { shippedPolicyDir } from "../../src/policy/load.js";
import { PresenceRegistry } from "../../src/presence/registry.js";
import { chatSuite } from "../helpers/chat-database.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { visitId } from "./chat-fixture.js";

// Satisfaction ratings, hostile cases first: a rating belongs to an ended chat of the visit that
// had it, exactly once (also when two arrive together), with a bounded comment that is stored
// encrypted; supervisors see scores per agent, site and period; retention and erasure remove them.

const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });

describeEachDialect("satisfaction ratings", (fx) => {
  const db = chatSuite(fx);

  async function endedChat(agentId = randomUUID()) {
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const c = await db.f.chat.startChat(visitor);
    await db.f.chat.accept(agentId, c.id);
    await db.f.chat.end(visitor, c.id);
    return { c, visitor, agentId };
  }

  it("stores one rating of an ended chat with the handling agent, the comment only as ciphertext", async () => {
    const { c, visitor, agentId } = await endedChat();
    await rateConversation(db.f.chat, visitor, c.id, { score: 4, comment: "Quick and kind — IBAN DE89 fixed" }, Date.now());
    const row = await db.storage.db.selectFrom("chat_rating").selectAll().where("conversation_id", "=", c.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ site_id: "demo", agent_id: agentId, score: 4 });
    expect(row.comment).not.toContain("IBAN");
    expect(await ratingOf(db.storage.db, db.f.keys, c.id)).toEqual({ score: 4, comment: "Quick and kind — IBAN DE89 fixed" });
  });

  it("refuses a second rating (already_rated), also when two arrive at once, and keeps the first", async () => {
    const { c, visitor } = await endedChat();
    await rateConversation(db.f.chat, visitor, c.id, { score: 5 }, Date.now());
    await expect(rateConversation(db.f.chat, visitor, c.id, { score: 1 }, Date.now())).rejects.toMatchObject({ code: "already_rated" });
    const other = await endedChat();
    const both = await Promise.allSettled([1, 2].map((score) => rateConversation(db.f.chat, other.visitor, other.c.id, { score }, Date.now())));
    expect(both.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(both.find((r) => r.status === "rejected")).toMatchObject({ reason: { code: "already_rated" } });
    expect((await ratingOf(db.storage.db, db.f.keys, c.id))?.score).toBe(5);
  });

  it("refuses rating another visit's conversation (not_found) and a chat that has not ended (not_ended)", async () => {
    const { c } = await endedChat();
    const stranger = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    await expect(rateConversation(db.f.chat, stranger, c.id, { score: 1 }, Date.now())).rejects.toMatchObject({ code: "not_found" });
    const otherSite = { kind: "visitor" as const, siteId: "other", visitorId: c.visitorId };
    await expect(rateConversation(db.f.chat, otherSite, c.id, { score: 1 }, Date.now())).rejects.toMatchObject({ code: "not_found" });
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const open = await db.f.chat.startChat(visitor);
    await expect(rateConversation(db.f.chat, visitor, open.id, { score: 3 }, Date.now())).rejects.toMatchObject({ code: "not_ended" });
    expect(await db.storage.db.selectFrom("chat_rating").select("score").where("conversation_id", "in", [c.id, open.id]).execute()).toEqual([]);
  });

  it("refuses an oversized comment (value_too_long) and scores out of range (bad_frame) through the visitor's socket, storing nothing", async () => {
    const { c, visitor } = await endedChat();
    const sent: { kind: string; code?: string }[] = [];
    const conn = new VisitorChatConnection(db.f.chat, new PresenceRegistry(), policy, { send: (t) => sent.push(JSON.parse(t) as { kind: string }) }, { siteId: visitor.siteId, visitorId: visitor.visitorId, origin: "http://127.0.0.1:8080" });
    for (const score of [0, 6, 3.5, -1]) await conn.handle(JSON.stringify({ kind: "chat-rate", conversation: c.id, score }));
    await conn.handle(JSON.stringify({ kind: "chat-rate", conversation: c.id, score: 2, comment: "x".repeat(MAX_RATING_COMMENT_CHARS + 1) }));
    expect(sent.map((f) => f.code)).toEqual(["bad_frame", "bad_frame", "bad_frame", "bad_frame", "value_too_long"]);
    expect(await db.storage.db.selectFrom("chat_rating").select("score").where("conversation_id", "=", c.id).execute()).toEqual([]);
    await conn.handle(JSON.stringify({ kind: "chat-rate", conversation: c.id, score: 2, comment: "x".repeat(MAX_RATING_COMMENT_CHARS) }));
    expect(sent.at(-1)).toEqual({ kind: "chat-rated", conversation: c.id, score: 2 });
    conn.close();
  });

  it("sums up scores per agent and site for a period", async () => {
    const agentA = randomUUID();
    const agentB = randomUUID();
    const t0 = 1_900_000_000_000;
    for (const [agent, score, at] of [[agentA, 5, t0], [agentA, 3, t0 + 1], [agentB, 1, t0 + 2], [agentB, 2, t0 + 10_000]] as const) {
      const { c, visitor } = await endedChat(agent);
      await rateConversation(db.f.chat, visitor, c.id, { score }, at);
    }
    const summary = await ratingSummary(db.storage.db, { from: t0, to: t0 + 10_000, siteId: "demo" });
    expect(summary.sites).toEqual([{ site: "demo", count: 3, average: 3, scores: [1, 0, 1, 0, 1] }]);
    expect(summary.agents.find((a) => a.agentId === agentA)).toEqual({ agentId: agentA, count: 2, average: 4, scores: [0, 0, 1, 0, 1] });
    expect(summary.agents.find((a) => a.agentId === agentB)).toEqual({ agentId: agentB, count: 1, average: 1, scores: [1, 0, 0, 0, 0] });
  });

  it("goes with its conversation: erasure and retention delete the rating", async () => {
    const erased = await endedChat();
    await rateConversation(db.f.chat, erased.visitor, erased.c.id, { score: 2, comment: "erase me" }, Date.now());
    await eraseConversations(db.storage.db, db.f.keys, [erased.c.id], { actor: "cli", action: "chat.erase", target: `conversation:${erased.c.id}` });
    const expired = await endedChat();
    await rateConversation(db.f.chat, expired.visitor, expired.c.id, { score: 3 }, Date.now());
    await applyChatRetention(db.storage.db, db.f.keys, Date.now() + 1);
    expect(await db.storage.db.selectFrom("chat_rating").select("conversation_id").where("conversation_id", "in", [erased.c.id, expired.c.id]).execute()).toEqual([]);
  });
});
