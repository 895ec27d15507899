import type { Context } from "koa";
import { AirlockError } from "../errors.js";
import { defineRoute, pathParam, type RouteDef } from "../http/route.js";
import { agentPolicyContext } from "../policy/agent-context.js";
import type { Decision } from "../policy/decision.js";
import type { PolicyEngine } from "../policy/engine.js";
import { visitorPseudonym } from "../presence/pseudonym.js";
import { principalFromState } from "../policy/principal.js";
import type { RoomSummary } from "./cluster/envelopes.js";

// The console's view of co-browse sessions: which visitors' sessions are live (metadata only:
// never a page URL or content) and what this agent may do with each (`actions`, decided here by
// the policy engine for this agent and that session: the console shows no other button). The
// session itself is joined over /ws/agent with `join`, where the session checks the same policy again.

/** What the console may offer for a session: start it (nobody in it yet) or join it (someone is). */
export type SessionAction = "start" | "join";

/**
 * The decision for this agent on this session: `cobrowse:invite` to start one nobody is in,
 * `cobrowse:join` (with the session's consent state) to join one another agent is in.
 */
function joinDecision(ctx: Context, policy: PolicyEngine, summary: RoomSummary): { action: SessionAction; decision: Decision } {
  const principal = principalFromState(ctx.state);
  // The guard (console:use) has answered 401 without a principal; an absent one decides as nobody.
  const agent = principal ?? { subject: "", roles: [], mfa: false };
  const context = agentPolicyContext({ ...agent, sourceAddress: ctx.ip }, { siteId: summary.site });
  if (summary.agents === 0) return { action: "start", decision: policy.decide("cobrowse:invite", context) };
  const active = summary.state === "active";
  return {
    action: "join",
    decision: policy.decide("cobrowse:join", { ...context, visitorConsent: { view: active }, grantedMode: active ? "view" : null }),
  };
}

function describe(ctx: Context, policy: PolicyEngine, summary: RoomSummary) {
  const sites = policy.policy.sites.sites;
  const { action, decision } = joinDecision(ctx, policy, summary);
  return {
    room: summary.room,
    /** The visit's pseudonym: the name the chat and the live visitor list use for the same visitor. */
    visitorName: visitorPseudonym(summary.visit),
    site: summary.site,
    siteName: (Object.hasOwn(sites, summary.site) ? sites[summary.site]?.name : undefined) ?? summary.site,
    state: summary.state,
    mode: summary.mode,
    agents: summary.agents,
    since: summary.since,
    actions: summary.state !== "ended" && decision.allow ? [action] : [],
  };
}

/** GET /api/v1/cobrowse/sessions: live co-browse sessions across all replicas, oldest first. */
export const listCobrowseSessions = defineRoute({
  method: "GET",
  path: "/api/v1/cobrowse/sessions",
  access: { action: "visitors:view", routineRead: true },
  handler: (ctx, { relay, policy }) => {
    ctx.body = { sessions: relay.cobrowseSessions().map((s) => describe(ctx, policy, s)) };
  },
});

/**
 * POST /api/v1/cobrowse/sessions/:session/join: may this agent start (cobrowse:invite) or, when
 * another agent is already in it, join (cobrowse:join) this session? Answers where to connect.
 */
export const joinCobrowseSession = defineRoute({
  method: "POST",
  path: "/api/v1/cobrowse/sessions/:room/join",
  access: { action: "cobrowse:invite" },
  handler: (ctx, { relay, policy }) => {
    const id = pathParam(ctx, "room");
    const summary = relay.cobrowseSession(id);
    if (!summary) throw new AirlockError("not_found", "no such co-browse session");
    const { action, decision } = joinDecision(ctx, policy, summary);
    if (!decision.allow) {
      const details = { action: action === "join" ? "cobrowse:join" : "cobrowse:invite", rule: decision.rule };
      throw new AirlockError("forbidden", action === "join" ? "another agent runs this session" : "you may not start this session", { details });
    }
    ctx.body = { ...describe(ctx, policy, summary), socket: "/ws/agent" };
  },
});

/** GET /api/v1/cobrowse/sessions/:room: one session (by session or visit id) with this agent's actions. */
export const getCobrowseSession = defineRoute({
  method: "GET",
  path: "/api/v1/cobrowse/sessions/:room",
  access: { action: "visitors:view" },
  handler: (ctx, { relay, policy }) => {
    const summary = relay.cobrowseSession(pathParam(ctx, "room"));
    if (!summary) throw new AirlockError("not_found", "no such co-browse session");
    ctx.body = describe(ctx, policy, summary);
  },
});

export const relayRoutes: readonly RouteDef<unknown>[] = [listCobrowseSessions, joinCobrowseSession, getCobrowseSession];
