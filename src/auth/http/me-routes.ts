import { AirlockError } from "../../errors.js";
import { defineRoute } from "../../http/route.js";
import { findAgent } from "../agents.js";
import { activeSession } from "./session-guards.js";

/**
 * GET /api/v1/me: who the console is talking to and what the policy lets them do. The console
 * builds its navigation from `permissions`; it never guesses. A session still owing MFA gets
 * `stage: "mfa"` and nothing else.
 */
export const me = defineRoute({
  method: "GET",
  path: "/api/v1/me",
  access: { action: "console:use" },
  handler: async (ctx, { identity, storage }) => {
    const session = ctx.state.session;
    const principal = ctx.state.principal;
    if (!session || !principal) throw new AirlockError("unauthenticated", "sign in to continue", { details: { reason: "no_session" } });
    if (!principal.mfa) {
      const agent = await findAgent(storage.db, session.agentId);
      ctx.body = { stage: "mfa", name: agent?.name ?? "", totp: await identity.totp.status(session.agentId) };
      return;
    }
    ctx.body = {
      stage: "ready",
      agent: { id: principal.agentId, name: principal.name, email: principal.email, subject: principal.idpSubject, issuer: principal.issuer },
      roles: principal.roles,
      permissions: principal.permissions,
      session: {
        ref: session.ref,
        createdAt: session.createdAt,
        idleTimeoutMs: identity.policy.session.idleTimeoutMs,
        absoluteExpiresAt: session.createdAt + identity.policy.session.absoluteTimeoutMs,
      },
      mfa: { totp: await identity.totp.status(principal.agentId), recoveryCodesLeft: await identity.totp.remainingRecoveryCodes(principal.agentId) },
    };
  },
});

/** POST /api/v1/ws-ticket: a short-lived, single-use ticket for opening /ws/agent. */
export const wsTicket = defineRoute({
  method: "POST",
  path: "/api/v1/ws-ticket",
  access: { action: "console:use" },
  handler: async (ctx, { identity }) => {
    // console:use is allowed before MFA (to show who is signing in); sockets need the full session.
    const session = activeSession(ctx.state);
    ctx.body = await identity.tickets.issue(session.ref);
  },
});
