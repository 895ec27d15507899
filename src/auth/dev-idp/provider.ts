import { generateKeyPairSync, randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { importJWK, SignJWT, type JWTPayload } from "jose";
import type { Middleware } from "koa";
import Provider, { type OidcContext } from "oidc-provider";
import type { Logger } from "../../ops/log.js";
import { demoUsers, type DemoUser } from "./demo-users.js";
import { idpCss, idpPage, loginForm } from "./views.js";

export interface DevIdpOptions {
  /** Loopback port; 0 picks a free one. */
  readonly port: number;
  /** Airlock's public URL: the client's redirect, logout and back-channel URIs hang off it. */
  readonly airlockUrl: string;
  readonly log: Logger;
}

export interface DevIdp {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Disables a demo user and tells Airlock over back-channel logout, as a real IdP admin would. */
  disableUser(login: string): Promise<void>;
  /** Lets attack tests act with this IdP's key or between Airlock and this IdP; Airlock never calls it. */
  readonly adversary: DevIdpAdversary;
  close(): Promise<void>;
}

/**
 * What an attacker holding tokens of this IdP, or sitting on the network between Airlock and it,
 * could do. Exists so tests can show that Airlock refuses such tokens (the dev IdP never runs in
 * production).
 */
export interface DevIdpAdversary {
  /** Signs a JWT with the IdP's own key: any token this IdP could have issued to any client. */
  sign(payload: JWTPayload, typ?: string): Promise<string>;
  /** Replaces the ID token in every token response until called with undefined. */
  replaceIdTokens(replace: ((idToken: string) => Promise<string>) | undefined): void;
}

const clientId = "airlock";
const signingKid = "dev-idp-1";

/**
 * The built-in development IdP: a real OpenID Provider (oidc-provider) on its own loopback port,
 * with the demo users and their groups. Dev mode only; production refuses idp=dev.
 */
export async function startDevIdp(options: DevIdpOptions): Promise<DevIdp> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientSecret = randomBytes(32).toString("base64url");
  const airlock = new URL(options.airlockUrl);
  const disabled = new Set<string>();
  const bySubject = new Map(demoUsers.map((u) => [u.subject, u]));
  const signingKey = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        client_name: "Airlock",
        redirect_uris: [new URL("/auth/callback", airlock).href],
        post_logout_redirect_uris: [new URL("/console/signed-out", airlock).href],
        backchannel_logout_uri: new URL("/auth/backchannel-logout", airlock).href,
        // Put `sid` in ID and logout tokens, so a logout at the IdP ends just the sessions it started.
        backchannel_logout_session_required: true,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    jwks: { keys: [{ ...signingKey, use: "sig", alg: "RS256", kid: signingKid }] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], profile: ["name", "preferred_username"], email: ["email"], groups: ["groups"] },
    scopes: ["openid", "profile", "email", "groups"],
    // Put the profile and group claims in the ID token: Airlock reads roles from it.
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      rpInitiatedLogout: { enabled: true, logoutSource, postLogoutSuccessSource },
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    ttl: { AuthorizationCode: 60, IdToken: 600, AccessToken: 600, Interaction: 600, Session: 8 * 3600, Grant: 8 * 3600 },
    renderError,
    // oidc-provider refuses outgoing requests to loopback (SSRF protection). The dev IdP's only
    // outgoing request is the back-channel logout to Airlock on loopback: allow exactly that origin.
    fetch: (url: string | URL, init: RequestInit & { dispatcher?: unknown }) => {
      if (new URL(url).origin !== airlock.origin) return Promise.reject(new Error("the dev IdP only calls Airlock"));
      const { dispatcher: _ssrfGuard, ...rest } = init;
      return globalThis.fetch(url, rest);
    },
    // First-party client: grant the requested scopes without a consent screen.
    loadExistingGrant: async (ctx: OidcContext) => {
      const oidc = ctx.oidc;
      if (!oidc.client || !oidc.session?.accountId) return undefined;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session.grantIdFor(oidc.client.clientId);
      if (grantId) {
        const existing = await oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new oidc.provider.Grant({ clientId: oidc.client.clientId, accountId: oidc.session.accountId });
      grant.addOIDCScope("openid profile email groups");
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx: unknown, sub: string) => {
      const user = bySubject.get(sub);
      if (!user || disabled.has(user.login)) return undefined;
      return {
        accountId: sub,
        claims: async () => ({ sub, ...(user.name ? { name: user.name } : {}), preferred_username: user.login, email: user.email, groups: [...user.groups] }),
      };
    },
  });
  provider.on("server_error", (_ctx: unknown, err: unknown) => options.log.error({ err: { type: (err as Error)?.name } }, "dev idp server error"));
  provider.on("backchannel.error", () => options.log.warn("dev idp back-channel logout delivery failed"));
  let replaceIdToken: ((idToken: string) => Promise<string>) | undefined;
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: unknown } | undefined;
    if (replaceIdToken && ctx.path === "/token" && typeof body?.id_token === "string") ctx.body = { ...body, id_token: await replaceIdToken(body.id_token) };
  });
  provider.use(pageHeaders(airlock.origin));
  provider.use(interactions(provider, disabled));
  server.on("request", provider.callback());

  return {
    issuer,
    clientId,
    clientSecret,
    async disableUser(login) {
      const user = demoUsers.find((u) => u.login === login);
      if (!user) throw new Error(`no demo user ${login}`);
      disabled.add(login);
      const client = await provider.Client.find(clientId);
      await client?.backchannelLogout(user.subject);
    },
    adversary: {
      async sign(payload, typ = "JWT") {
        const key = await importJWK(signingKey, "RS256");
        return new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid: signingKid, typ }).sign(key);
      },
      replaceIdTokens(replace) {
        replaceIdToken = replace;
      },
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Strict headers for the IdP's own pages; forms may continue to Airlock after sign-in. */
function pageHeaders(airlockOrigin: string): Middleware {
  return async (ctx, next) => {
    if (ctx.path === "/dev-idp.css") {
      ctx.type = "text/css";
      ctx.body = idpCss;
      return;
    }
    await next();
    if (ctx.response.is("html")) {
      ctx.set("Content-Security-Policy", `default-src 'none'; style-src 'self'; form-action 'self' ${airlockOrigin}; frame-ancestors 'none'; base-uri 'none'`);
      ctx.set("X-Frame-Options", "DENY");
      ctx.set("Referrer-Policy", "no-referrer");
    }
  };
}

function interactions(provider: Provider, disabled: ReadonlySet<string>): Middleware {
  return async (ctx, next) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]{1,64})(?:\/(login|abort))?$/.exec(ctx.path);
    if (!match) {
      await next();
      return;
    }
    const [, uid = "", action] = match;
    ctx.set("Cache-Control", "no-store");
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    if (details.uid !== uid) ctx.throw(400, "interaction mismatch");
    if (!action && ctx.method === "GET") {
      ctx.type = "html";
      ctx.body = loginForm(uid, undefined, "");
      return;
    }
    if (ctx.method !== "POST") ctx.throw(405);
    if (action === "abort") {
      await provider.interactionFinished(ctx.req, ctx.res, { error: "access_denied", error_description: "sign-in cancelled" }, { mergeWithLastSubmission: false });
      ctx.respond = false;
      return;
    }
    const form = new URLSearchParams(await readBody(ctx.req));
    const login = (form.get("login") ?? "").trim().slice(0, 64);
    const user: DemoUser | undefined = demoUsers.find((u) => u.login === login && u.password === form.get("password"));
    if (!user || disabled.has(user.login)) {
      ctx.type = "html";
      ctx.status = 200;
      ctx.body = loginForm(uid, "Unknown user or wrong password.", login);
      return;
    }
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: user.subject, amr: ["pwd"] } }, { mergeWithLastSubmission: false });
    ctx.respond = false;
  };
}

async function readBody(req: NodeJS.ReadableStream): Promise<string> {
  let text = "";
  for await (const chunk of req) {
    text += chunk.toString();
    if (text.length > 4096) throw new Error("form too large");
  }
  return text;
}

async function logoutSource(ctx: OidcContext, form: string): Promise<void> {
  ctx.type = "html";
  ctx.body = idpPage(
    "Sign out",
    `<h1>Sign out of the IdP?</h1>
<p class="muted">You have left Airlock. Also end your session at the identity provider?</p>
${form}
<button type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
  );
}

async function postLogoutSuccessSource(ctx: OidcContext): Promise<void> {
  ctx.type = "html";
  ctx.body = idpPage("Signed out", `<h1>Signed out</h1><p class="muted">You are signed out of the identity provider.</p>`);
}

async function renderError(ctx: OidcContext, out: Record<string, string>): Promise<void> {
  ctx.type = "html";
  const safe = (v: string | undefined) => (v ?? "").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  ctx.body = idpPage("Error", `<h1>Something went wrong</h1><p class="error" role="alert">${safe(out.error)}: ${safe(out.error_description)}</p>`);
}
