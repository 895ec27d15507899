import { AirlockError } from "../errors.js";
import { defineRoute, type RouteDef } from "../http/route.js";
import { principalFromState } from "../policy/principal.js";
import type { RoomSummary } from "./cluster/envelopes.js";

// The console's view of co-browse sessions: which visitors' sessions are live (metadata only:
// never a page URL or content) and whether this agent may start or join one. The session itself
// is joined over /ws/agent with `join`, where the room checks the same policy again.

function describe(summary: RoomSummary, siteName: string | undefined) {
  return {
    room: summary.room,
    site: summary.site,
    siteName: siteName ?? summary.site,
    state: summary.state,
    mode: summary.mode,
    agents: summary.agents,
    since: summary.since,
  };
}

/** GET /api/v1/cobrowse/sessions: live co-browse sessions across all replicas, oldest first. */
export const listCobrowseSessions = defineRoute({
  method: "GET",
  path: "/api/v1/cobrowse/sessions",
  access: { action: "visitors:view", routineRead: true },
  handler: (ctx, { relay, policy }) => {
    const sites = policy.policy.sites.sites;
    ctx.body = { sessions: relay.rooms().map((s) => describe(s, Object.hasOwn(sites, s.site) ? sites[s.site]?.name : undefined)) };
  },
});

/**
 * POST /api/v1/cobrowse/sessions/:room/join: may this agent start (cobrowse:invite) or, when
 * another agent is already in it, join (cobrowse:join) this session? Answers where to connect.
 */
export const joinCobrowseSession = defineRoute({
  method: "POST",
  path: "/api/v1/cobrowse/sessions/:room/join",
  access: { action: "cobrowse:invite" },
  handler: (ctx, { relay, policy }) => {
    const id = String((ctx.params as { room?: unknown }).room ?? "");
    const summary = relay.room(id);
    if (!summary) throw new AirlockError("not_found", "no such co-browse session");
    if (summary.agents > 0) {
      const principal = principalFromState(ctx.state as { readonly principal?: unknown });
      const decision = policy.decide("cobrowse:join", {
        actor: "agent",
        roles: principal?.roles ?? [],
        subject: principal?.subject ?? "",
        mfa: principal?.mfa === true,
        sourceAddress: ctx.ip,
        siteId: summary.site,
        visitorConsent: { view: summary.state === "active" },
        grantedMode: summary.state === "active" ? "view" : null,
      });
      if (!decision.allow) throw new AirlockError("forbidden", "another agent runs this session", { details: { action: "cobrowse:join", rule: decision.rule } });
    }
    const sites = policy.policy.sites.sites;
    ctx.body = { ...describe(summary, Object.hasOwn(sites, summary.site) ? sites[summary.site]?.name : undefined), socket: "/ws/agent" };
  },
});

export const relayRoutes: readonly RouteDef<unknown>[] = [listCobrowseSessions, joinCobrowseSession];
