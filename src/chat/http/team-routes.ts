import { z } from "zod";
import { defineRoute } from "../../http/route.js";
import { parseQuery } from "../../http/query.js";
import { AirlockError } from "../../errors.js";
import { principalFromState } from "../../policy/principal.js";
import { visitorPseudonym } from "../../presence/pseudonym.js";
import { siteVisibleTo } from "../../presence/site-visibility.js";
import { activeConversations } from "../queue.js";
import { siteId } from "./query-fields.js";

const siteQuery = z.strictObject({ site: siteId });

/** GET /api/v1/chat/sites: the registered sites the agent may watch (ids and names; a site's `agentRoles` may leave some out). */
export const chatSites = defineRoute({
  method: "GET",
  path: "/api/v1/chat/sites",
  access: { action: "visitors:view" },
  handler: (ctx, { policy }) => {
    const p = principalFromState(ctx.state);
    if (!p) throw new AirlockError("unauthenticated", "sign in first");
    const agent = { agentId: p.subject, roles: p.roles, mfa: p.mfa, sourceAddress: ctx.ip };
    const sites = Object.entries(policy.policy.sites.sites).filter(([id]) => siteVisibleTo(policy, agent, id));
    ctx.body = { sites: sites.map(([id, s]) => ({ id, name: s.name })) };
  },
});

/**
 * GET /api/v1/chat/agents?site=: colleagues online for the site, and its teams, to transfer a chat to. Listing
 * them is part of handling chats; the transfer itself is decided per conversation (assignment).
 */
export const onlineAgents = defineRoute({
  method: "GET",
  path: "/api/v1/chat/agents",
  access: { action: "chat:handle" },
  handler: async (ctx, { chat, storage }) => {
    const { site } = parseQuery(ctx.querystring, siteQuery);
    const ids = chat.onlineAgentIds(site);
    const rows = ids.length ? await storage.db.selectFrom("agent").select(["id", "display_name"]).where("id", "in", ids).execute() : [];
    ctx.set("Cache-Control", "no-store");
    // The site's teams too (routing.yaml): a chat may go back to a team's queue.
    ctx.body = { agents: rows.map((r) => ({ id: r.id, name: r.display_name })), teams: chat.routing.teams(site) };
  },
});

/** GET /api/v1/chat/active?site=: chats in progress, for supervisors to join. */
export const activeChats = defineRoute({
  method: "GET",
  path: "/api/v1/chat/active",
  access: { action: "chat:supervise", routineRead: true },
  handler: async (ctx, { storage }) => {
    const { site } = parseQuery(ctx.querystring, siteQuery);
    ctx.set("Cache-Control", "no-store");
    const active = await activeConversations(storage.db, site);
    ctx.body = { site, active: active.map((c) => ({ ...c, visitorName: visitorPseudonym(c.visitorId) })) };
  },
});
