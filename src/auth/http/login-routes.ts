import { AirlockError, asAirlockError } from "../../errors.js";
import { escapeHtml, page } from "../../http/pages/layout.js";
import { defineRoute, type RouteContext } from "../../http/route.js";
import { findAgentBySubject, upsertAgent } from "../agents.js";
import { auditAlone } from "../audit.js";
import { clearedCookie, loginCookie, loginCookieName, readCookie, sessionCookie, sessionCookieName } from "../cookies.js";
import { scimAccountOf, scimAllowsAgent } from "../../scim/agent-link.js";
import { sessionSatisfiesMfa } from "./mfa-rule.js";

/** Only console paths may be a post-login destination (no open redirect). */
function safeReturnTo(value: unknown): string {
  return typeof value === "string" && /^\/console(\/[A-Za-z0-9/_-]*)?$/.test(value) ? value : "/console/";
}

/** GET /auth/login: starts authorization code + PKCE, binding state/nonce/verifier to a login cookie. */
export const login = defineRoute({
  method: "GET",
  path: "/auth/login",
  access: { public: true },
  handler: async (ctx, { identity }) => {
    const rp = await identity.relyingParty();
    const tx = await identity.transactions.start(safeReturnTo(ctx.query.returnTo));
    const start = await rp.start(tx);
    ctx.append("Set-Cookie", loginCookie(tx.id));
    ctx.redirect(start.url.href);
  },
});

/** GET /auth/callback: finishes the login; any failure is a 401 page, audited, with no session. */
export const callback = defineRoute({
  method: "GET",
  path: "/auth/callback",
  access: { public: true },
  handler: async (ctx, services) => {
    const { identity, storage, config } = services;
    ctx.append("Set-Cookie", clearedCookie(loginCookieName, "Lax"));
    try {
      const tx = await identity.transactions.take(readCookie(ctx.get("cookie"), loginCookieName));
      if (!tx) throw new AirlockError("unauthenticated", "the sign-in attempt expired or was already used", { details: { reason: "no_login_transaction" } });
      if (typeof ctx.query.error === "string") throw new AirlockError("unauthenticated", "the identity provider refused the sign-in", { details: { reason: `idp_${ctx.query.error.slice(0, 40)}` } });
      const rp = await identity.relyingParty();
      const url = new URL("/auth/callback", config.publicUrl);
      url.search = ctx.querystring;
      const verified = await rp.finish(url, tx);
      const agent = await upsertAgent(storage.db, verified.claims, identity.now());
      // An agent an IdP provisions through SCIM: deactivated or deleted there means no sign-in here,
      // and its SCIM groups (not the token's) are what policy maps to roles.
      const provisioned = await scimAccountOf(storage.db, agent);
      if (provisioned && !provisioned.allowed) throw deactivated();
      if (identity.policy.rolesForGroups(provisioned?.groups ?? agent.groups).length === 0) {
        throw new AirlockError("forbidden", "your account has no Airlock role", { details: { reason: "no_role" } });
      }
      // A session id from before login is never reused (fixation): end it and issue a new one.
      const previous = await identity.sessions.find(readCookie(ctx.get("cookie"), sessionCookieName));
      if (previous) await identity.sessions.end(previous.ref, "rotated");
      const created = await identity.sessions.create(
        { agentId: agent.id, idpSid: verified.sid, amr: verified.amr, idTokenHint: verified.idToken },
        { event: "auth.login.success", agentId: agent.id },
      );
      // Deprovisioned while this sign-in ran: its session-ending may have missed the new session.
      if (provisioned && !(await scimAllowsAgent(storage.db, agent.id))) {
        await identity.sessions.end(created.ref, "deprovisioned");
        throw deactivated();
      }
      let token = created.token;
      if (sessionSatisfiesMfa(identity.policy.mfa, verified.amr)) token = (await identity.sessions.rotate(created.ref, { state: "active", reauthenticated: true })).token;
      ctx.append("Set-Cookie", sessionCookie(token));
      ctx.redirect(token === created.token ? `/console/mfa?returnTo=${encodeURIComponent(tx.returnTo)}` : tx.returnTo);
    } catch (thrown) {
      const err = asAirlockError(thrown);
      const reason = typeof err.details?.reason === "string" ? err.details.reason : err.code;
      await auditAlone(storage.db, identity.audit, { event: "auth.login.failure", reason });
      failurePage(ctx, err.status >= 500 ? 502 : err.status, reason);
    }
  },
});

const deactivated = () => new AirlockError("account_deactivated", "the account is deactivated at the identity provider", { details: { reason: "account_deactivated" } });

/** What a person reads for the refusals they can act on; other reasons get the general sentence. */
const failureSentences: Readonly<Record<string, string>> = {
  account_deactivated: "Your organisation has deactivated your Airlock account, so you cannot sign in. Ask your administrator if this is a mistake.",
  no_role: "Your account has no Airlock role. Ask your administrator to add you to an Airlock group.",
};

function failurePage(ctx: RouteContext, status: number, reason: string): void {
  ctx.status = status;
  ctx.type = "text/html; charset=utf-8";
  ctx.body = page(
    "Sign-in failed · Airlock",
    `<main>
<section class="card" data-reason="${escapeHtml(reason)}">
<h1>Sign-in failed</h1>
<p>${escapeHtml(failureSentences[reason] ?? "Airlock could not complete your sign-in.")} No session was created.</p>
<p class="hint">Reason for support: <code>${escapeHtml(reason)}</code></p>
<p><a href="/auth/login">Try again</a></p>
</section>
</main>`,
  );
}

/** POST /auth/logout: ends the session here, then hands the browser to the IdP's logout. */
export const logout = defineRoute({
  method: "POST",
  path: "/auth/logout",
  access: { public: true },
  handler: async (ctx, { identity }) => {
    const session = ctx.state.session;
    if (!session) {
      ctx.append("Set-Cookie", clearedCookie(sessionCookieName, "Strict"));
      ctx.body = { redirect: "/console/signed-out" };
      return;
    }
    await identity.sessions.end(session.ref, "logout", { also: { event: "auth.logout", agentId: session.agentId } });
    // Cleared only once the session is really gone: if ending it fails, the agent can retry.
    ctx.append("Set-Cookie", clearedCookie(sessionCookieName, "Strict"));
    const rp = await identity.relyingParty().catch(() => undefined);
    ctx.body = { redirect: rp?.endSessionUrl(session.idTokenHint)?.href ?? "/console/signed-out" };
  },
});

/** POST /auth/backchannel-logout: the IdP ends an agent's sessions (OIDC Back-Channel Logout 1.0). */
export const backchannelLogout = defineRoute({
  method: "POST",
  path: "/auth/backchannel-logout",
  access: { public: true },
  handler: async (ctx, { identity, storage }) => {
    if (!ctx.is("application/x-www-form-urlencoded")) throw new AirlockError("unsupported_media_type", "expected a form-encoded logout_token");
    const form = new URLSearchParams(await readSmallBody(ctx.req, 16 * 1024));
    const token = form.get("logout_token");
    if (!token) throw new AirlockError("bad_request", "logout_token is required", { details: { reason: "missing_logout_token" } });
    const rp = await identity.relyingParty();
    const notice = await rp.verifyLogoutToken(token);
    if (notice.subject) {
      // sub (and maybe sid): that agent's sessions, or only those of that IdP session.
      const agent = await findAgentBySubject(storage.db, notice.issuer, notice.subject);
      if (agent && notice.sid) await identity.sessions.endByIdpSid(notice.issuer, notice.sid, "backchannel", agent.id);
      else if (agent) await identity.sessions.endAllForAgent(agent.id, "backchannel");
    } else if (notice.sid) {
      // sid alone (the spec allows it): every session that came from that IdP session.
      await identity.sessions.endByIdpSid(notice.issuer, notice.sid, "backchannel");
    }
    ctx.status = 200;
    ctx.body = "";
  },
});

async function readSmallBody(req: NodeJS.ReadableStream, limit: number): Promise<string> {
  let text = "";
  for await (const chunk of req) {
    text += chunk.toString();
    if (text.length > limit) throw new AirlockError("payload_too_large", "logout request too large");
  }
  return text;
}
