import { z } from "zod";
import { defineRoute } from "../../http/route.js";
import { parseQuery } from "../../http/query.js";
import { agentNames } from "../../auth/agent-names.js";
import { ratingSummary } from "../ratings.js";
import { siteId, time } from "./query-fields.js";

const DAY_MS = 86_400_000;
const ratingsQuery = z
  .strictObject({ site: siteId.optional(), from: time.optional(), to: time.optional() })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { path: ["to"], message: "must be later than from" });

/**
 * GET /api/v1/chat/ratings?site=&from=&to=: satisfaction per site, per agent and per team (as
 * routed) for a period (default: the last 30 days). Scores only; a comment is read with its
 * transcript, audited. Agents and teams come with their display names.
 */
export const chatRatings = defineRoute({
  method: "GET",
  path: "/api/v1/chat/ratings",
  access: { action: "stats:view", routineRead: true },
  handler: async (ctx, { storage, chat, policy }) => {
    const q = parseQuery(ctx.querystring, ratingsQuery);
    const to = q.to ?? Date.now() + 1;
    const from = q.from ?? to - 30 * DAY_MS;
    const summary = await ratingSummary(storage.db, { from, to, ...(q.site ? { siteId: q.site } : {}) });
    const names = await agentNames(storage.db, summary.agents.flatMap((a) => (a.agentId ? [a.agentId] : [])));
    ctx.set("Cache-Control", "no-store");
    const teamName = (site: string, team: string | null) => (team === null ? null : (chat.routing.teams(site).find((t) => t.id === team)?.name ?? team));
    ctx.body = {
      ...summary,
      agents: summary.agents.map((a) => ({ ...a, name: a.agentId ? (names.get(a.agentId) ?? a.agentId) : null })),
      teams: summary.teams.map((t) => ({ ...t, name: teamName(t.site, t.team) })),
      // The registered sites, to choose from and to name each site's figures.
      registeredSites: Object.entries(policy.policy.sites.sites).map(([id, site]) => ({ id, name: site.name })),
    };
  },
});
