import { z } from "zod";
import { AirlockError } from "../../errors.js";
import { defineRoute } from "../../http/route.js";
import { parseQuery } from "../../http/query.js";
import { principalFromState } from "../../policy/principal.js";
import { visitorPseudonym } from "../../presence/pseudonym.js";
import { closedConversationsOf } from "../closed-conversations.js";
import { conversationId, siteId, time } from "./query-fields.js";

/** One page of the inbox's Closed folder. */
export const CLOSED_PAGE_SIZE = 25;

const closedQuery = z
  .strictObject({ site: siteId, beforeEnded: time.optional(), beforeId: conversationId.optional() })
  .refine((q) => (q.beforeEnded === undefined) === (q.beforeId === undefined), { message: "beforeEnded and beforeId go together", path: ["beforeId"] });

/**
 * GET /api/v1/chat/closed?site=[&beforeEnded=&beforeId=]: the chats of the site this agent took
 * part in that have ended, latest first, a page at a time (`next` continues). Metadata only (no
 * message text), so a routine read like the queue.
 */
export const closedChats = defineRoute({
  method: "GET",
  path: "/api/v1/chat/closed",
  access: { action: "chat:handle", routineRead: true },
  handler: async (ctx, { storage }) => {
    const q = parseQuery(ctx.querystring, closedQuery);
    const agent = principalFromState(ctx.state);
    if (!agent) throw new AirlockError("unauthenticated", "sign in first");
    const after = q.beforeEnded !== undefined && q.beforeId !== undefined ? { endedAt: q.beforeEnded, id: q.beforeId } : undefined;
    // One more than a page says whether another page follows.
    const rows = await closedConversationsOf(storage.db, q.site, agent.subject, CLOSED_PAGE_SIZE + 1, after);
    const page = rows.slice(0, CLOSED_PAGE_SIZE);
    const last = page.at(-1);
    ctx.set("Cache-Control", "no-store");
    ctx.body = {
      site: q.site,
      closed: page.map((c) => ({ id: c.id, visitorId: c.visitorId, visitorName: visitorPseudonym(c.visitorId), assignedAgentId: c.assignedAgentId, createdAt: c.createdAt, endedAt: c.endedAt ?? c.createdAt })),
      next: rows.length > CLOSED_PAGE_SIZE && last ? { beforeEnded: last.endedAt ?? last.createdAt, beforeId: last.id } : null,
    };
  },
});
