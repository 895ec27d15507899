import { z } from "zod";
import { defineRoute } from "../../http/route.js";
import { parseQuery } from "../../http/query.js";
import { principalFromState } from "../../policy/principal.js";
import { visitorPseudonym } from "../../presence/pseudonym.js";
import { requireSiteVisible } from "../../presence/site-visibility.js";
import { VISITOR_QUERY_LIMITS } from "../../protocol/visitor-query-frames.js";
import { queueStats, waitingConversations } from "../queue.js";
import { agentDays } from "../supervision.js";
import { teamQueues } from "../routing/team-queues.js";
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
    ctx.body = { site, ...stats, visitorsOnline: chat.presence.snapshot(site).length, agentsOnline: chat.agentsOnline(site) };
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

/**
 * GET /api/v1/visitors?site=: the live visitor list (in memory only, never stored) of a site the
 * agent may see: the longest on the site first, at most one query page (`total` says how many
 * there are; the console pages through `visitors-query`).
 */
export const liveVisitors = defineRoute({
  method: "GET",
  path: "/api/v1/visitors",
  access: { action: "visitors:view", routineRead: true },
  handler: (ctx, { chat, policy }) => {
    const { site } = parseQuery(ctx.querystring, siteQuery);
    requireSiteVisible(policy, principalFromState(ctx.state), ctx.ip, site);
    const visitors = chat.presence.list(site);
    ctx.set("Cache-Control", "no-store");
    ctx.body = { site, total: visitors.length, visitors: visitors.slice(0, VISITOR_QUERY_LIMITS.maxPageSize) };
  },
});

/**
 * GET /api/v1/chat/supervision?site=: what a supervisor's queue page shows for one site (the first
 * registered site when none is named): the sites to choose from, the queue figures, who is
 * waiting and for how long (pseudonyms only), and each agent's day. Metadata only.
 */
export const chatSupervision = defineRoute({
  method: "GET",
  path: "/api/v1/chat/supervision",
  access: { action: "stats:view", routineRead: true },
  handler: async (ctx, { storage, chat, policy }) => {
    const { site: asked } = parseQuery(ctx.querystring, z.strictObject({ site: siteId.optional() }));
    const sites = Object.entries(policy.policy.sites.sites).map(([id, s]) => ({ id, name: s.name }));
    const site = asked ?? sites[0]?.id;
    ctx.set("Cache-Control", "no-store");
    if (!site) {
      ctx.body = { site: null, sites, stats: null, waiting: [], agents: [], teams: [] };
      return;
    }
    const now = Date.now();
    const since = now - DAY_MS;
    const [stats, waiting, agents, teams] = await Promise.all([
      queueStats(storage.db, site, since),
      waitingConversations(storage.db, site, 50),
      agentDays(storage.db, site, since, chat.onlineAgentIds(site)),
      teamQueues(storage.db, site, chat.routing, now),
    ]);
    ctx.body = {
      site,
      sites,
      stats: { ...stats, visitorsOnline: chat.presence.snapshot(site).length, agentsOnline: chat.agentsOnline(site) },
      waiting: waiting.map((c) => ({ id: c.id, visitorName: visitorPseudonym(c.visitorId), state: c.state, waitingMs: Math.max(0, now - c.createdAt) })),
      agents,
      teams,
    };
  },
});
