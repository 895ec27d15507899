import { z } from "zod";
import { defineRoute } from "../../http/route.js";
import { parseQuery } from "../../http/query.js";
import { queueStats, waitingConversations } from "../queue.js";
import { siteId } from "./query-fields.js";

const siteQuery = z.strictObject({ site: siteId });
const DAY_MS = 86_400_000;

/** GET /api/v1/chat/stats?site=: waiting, active, average wait today, and visitors on the site now. */
export const chatStats = defineRoute({
  method: "GET",
  path: "/api/v1/chat/stats",
  access: { action: "stats:view", routineRead: true },
  handler: async (ctx, { storage, chat }) => {
    const { site } = parseQuery(ctx.querystring, siteQuery);
    const stats = await queueStats(storage.db, site, Date.now() - DAY_MS);
    ctx.set("Cache-Control", "no-store");
    ctx.body = { site, ...stats, visitorsOnline: chat.presence.list(site).length, agentsOnline: chat.agentsOnline(site) };
  },
});

/** GET /api/v1/chat/queue?site=: chats waiting for an agent (live requests and offline forms), oldest first. */
export const chatQueue = defineRoute({
  method: "GET",
  path: "/api/v1/chat/queue",
  access: { action: "chat:handle", routineRead: true },
  handler: async (ctx, { storage }) => {
    const { site } = parseQuery(ctx.querystring, siteQuery);
    ctx.set("Cache-Control", "no-store");
    ctx.body = { site, waiting: await waitingConversations(storage.db, site) };
  },
});

/** GET /api/v1/visitors?site=: the live visitor list (in memory only, never stored). */
export const liveVisitors = defineRoute({
  method: "GET",
  path: "/api/v1/visitors",
  access: { action: "visitors:view", routineRead: true },
  handler: (ctx, { chat }) => {
    const { site } = parseQuery(ctx.querystring, siteQuery);
    ctx.set("Cache-Control", "no-store");
    ctx.body = { site, visitors: chat.presence.list(site) };
  },
});
