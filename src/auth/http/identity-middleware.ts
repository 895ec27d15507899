import type { Middleware } from "koa";
import { AirlockError } from "../../errors.js";
import type { RequestState, Services } from "../../http/context.js";
import { findAgent } from "../agents.js";
import { loginCookieName, readCookie, sessionCookieName } from "../cookies.js";
import { signedInAgent } from "../principal.js";
import { isAgentSurface } from "./agent-surface.js";

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Runs before every route: (1) agent surfaces and anything carrying an Airlock cookie answer only
 * clients inside the agent network allowlist; (2) state-changing requests with ambient
 * credentials must come from the console's own origin (Origin / Sec-Fetch-Site); (3) the session
 * cookie is resolved to a live session and its principal (with `mfa` false until the second
 * factor is satisfied; the policy engine then allows only the pre-MFA actions).
 */
export function identityMiddleware({ identity, storage }: Services): Middleware<RequestState> {
  return async (ctx, next) => {
    const cookieHeader = ctx.get("cookie") || undefined;
    const sessionToken = readCookie(cookieHeader, sessionCookieName);
    const hasCredentials = sessionToken !== undefined || readCookie(cookieHeader, loginCookieName) !== undefined;
    const agentSurface = isAgentSurface(ctx.path);

    if ((agentSurface || hasCredentials) && !identity.agentNetworkAllows(ctx.req.socket.remoteAddress, ctx.get("x-forwarded-for") || undefined)) {
      throw new AirlockError("forbidden", "agent access is not allowed from this network", { details: { reason: "network_not_allowed" } });
    }

    if (!safeMethods.has(ctx.method) && (agentSurface || hasCredentials)) {
      const site = ctx.get("sec-fetch-site");
      const origin = ctx.get("origin");
      if (site && site !== "same-origin") throw new AirlockError("origin_not_allowed", "cross-site request refused", { details: { reason: "cross_site" } });
      if (origin && !identity.consoleOrigins.has(origin)) throw new AirlockError("origin_not_allowed", "request origin is not the console", { details: { reason: "origin" } });
      if (!site && !origin && hasCredentials) {
        throw new AirlockError("origin_not_allowed", "state-changing requests must name their origin", { details: { reason: "origin_missing" } });
      }
    }

    const session = await identity.sessions.find(sessionToken);
    if (session) {
      ctx.state.session = session;
      const agent = await findAgent(storage.db, session.agentId);
      if (agent) ctx.state.principal = signedInAgent(identity.policy, agent, session.ref, session.state === "active");
    }
    await next();
  };
}
