import { z } from "zod";
import { AirlockError } from "../../errors.js";
import { defineRoute, pathParam } from "../../http/route.js";
import { parseQuery } from "../../http/query.js";
import { principalFromState } from "../../policy/principal.js";
import { readTranscript, searchConversations } from "../transcripts.js";
import { agentId, conversationId, limit, siteId, time, visitorId } from "./query-fields.js";

const searchQuery = z
  .strictObject({ site: siteId.optional(), agent: agentId.optional(), visitor: visitorId.optional(), from: time.optional(), to: time.optional(), limit: limit.optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { path: ["to"], message: "must be later than from" });

/**
 * GET /api/v1/transcripts: auditors find conversations by site, agent, visitor id and date.
 * Metadata only: nothing is decrypted to answer a search.
 */
export const searchTranscripts = defineRoute({
  method: "GET",
  path: "/api/v1/transcripts",
  access: { action: "chatlog:read" },
  handler: async (ctx, { storage }) => {
    const q = parseQuery(ctx.querystring, searchQuery);
    const found = await searchConversations(storage.db, {
      ...(q.site ? { siteId: q.site } : {}),
      ...(q.agent ? { agentId: q.agent } : {}),
      ...(q.visitor ? { visitorId: q.visitor } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      limit: q.limit ?? 100,
    });
    ctx.set("Cache-Control", "no-store");
    ctx.body = { conversations: found };
  },
});

/** GET /api/v1/transcripts/:id: one transcript, decrypted; the read is audited in the same transaction. */
export const readTranscriptRoute = defineRoute({
  method: "GET",
  path: "/api/v1/transcripts/:id",
  access: { action: "chatlog:read" },
  handler: async (ctx, { storage, chat }) => {
    const parsed = conversationId.safeParse(pathParam(ctx, "id"));
    if (!parsed.success) throw new AirlockError("bad_request", "not a conversation id");
    const reader = principalFromState(ctx.state);
    if (!reader) throw new AirlockError("unauthenticated", "sign in first");
    const transcript = await readTranscript(storage.db, chat.keys, parsed.data, { agentId: reader.subject, ...(ctx.ip ? { sourceAddress: ctx.ip } : {}) });
    ctx.set("Cache-Control", "no-store");
    ctx.body = transcript;
  },
});
