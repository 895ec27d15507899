import type { IncomingMessage } from "node:http";
import { Socket } from "node:net";
import { randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { generate } from "otplib";
import { afterAll, beforeAll, expect, it } from "vitest";
import { agentUpgradeAuthenticator } from "../../src/auth/agent-upgrade.js";
import type { SessionEnded } from "../../src/auth/session-events.js";
import { hashToken } from "../../src/auth/tokens.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import { HttpAgent } from "./helpers/http-agent.js";
import { passMfa, signInAtIdp, signInEnrolled, startIdentityServer } from "./helpers/login.js";

// Each attack must fail closed with the expected status, on SQLite and on PostgreSQL.
describeEachDialect("identity attacks", (fx) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl() });
  });
  afterAll(async () => server?.stop());

  const callbackStatus = async (agent: HttpAgent, url: string) => {
    const hop = await agent.request(url);
    return { status: hop.status, reason: /data-reason="([^"]+)"/.exec(hop.body)?.[1], hop };
  };

  it("refuses a callback whose state was tampered with (401, no session)", async () => {
    const agent = new HttpAgent(server.url);
    const cb = new URL(await signInAtIdp(agent, server, "agent", "agent-demo"));
    cb.searchParams.set("state", "forged-state");
    const r = await callbackStatus(agent, cb.href);
    expect(r.status).toBe(401);
    expect(agent.cookies.has("__Host-airlock")).toBe(false);
  });

  it("refuses an ID token carrying another nonce (401)", async () => {
    const agent = new HttpAgent(server.url);
    const cb = await signInAtIdp(agent, server, "agent", "agent-demo", (u) => {
      u.searchParams.set("nonce", "attacker-nonce");
      return u;
    });
    expect((await callbackStatus(agent, cb)).status).toBe(401);
  });

  it("refuses an authorization code replayed into a new login attempt (401)", async () => {
    const agent = new HttpAgent(server.url);
    const cb = await signInAtIdp(agent, server, "agent", "agent-demo");
    expect((await agent.request(cb)).status).toBe(302);
    // A fresh transaction (new state, new verifier) with the already-used code.
    const start = await agent.request(`${server.url}/auth/login`);
    const replay = new URL(cb);
    replay.searchParams.set("state", new URL(start.location ?? "").searchParams.get("state") ?? "");
    expect((await callbackStatus(agent, replay.href)).status).toBe(401);
    // And the same callback URL twice: the login transaction is single use.
    expect((await callbackStatus(agent, cb)).status).toBe(401);
  });

  it("refuses an authorization request without a PKCE challenge (401 at the callback)", async () => {
    const agent = new HttpAgent(server.url);
    const cb = await signInAtIdp(agent, server, "agent", "agent-demo", (u) => {
      u.searchParams.delete("code_challenge");
      u.searchParams.delete("code_challenge_method");
      return u;
    });
    const r = await callbackStatus(agent, cb);
    expect(r.status).toBe(401);
    expect(r.reason).toMatch(/^idp_/);
  });

  it("refuses an ID token the IdP signed for another audience (401 at the callback, no session)", async () => {
    const idp = server.services.identity.devIdp;
    if (!idp) throw new Error("dev IdP expected");
    // An attacker between Airlock and the IdP swaps in a token the IdP issued to another
    // application: same issuer, key, subject and nonce; only the audience differs.
    const signIn = async (aud: string) => {
      idp.adversary.replaceIdTokens(async (idToken) => idp.adversary.sign({ ...decodeJwt(idToken), aud }));
      try {
        const agent = new HttpAgent(server.url);
        return { agent, ...(await callbackStatus(agent, await signInAtIdp(agent, server, "agent", "agent-demo"))) };
      } finally {
        idp.adversary.replaceIdTokens(undefined);
      }
    };
    const forged = await signIn("another-app");
    expect(forged.status).toBe(401);
    expect(forged.reason).toBe("OAUTH_JWT_CLAIM_COMPARISON_FAILED");
    expect(forged.agent.cookies.has("__Host-airlock")).toBe(false);
    // The same substitution with Airlock's own audience goes through: the audience alone failed it.
    const control = await signIn(idp.clientId);
    expect(control.status).toBe(302);
    expect(control.agent.cookies.has("__Host-airlock")).toBe(true);
  });

  it("sets the session cookie with exact attributes and no Expires or Max-Age", async () => {
    const agent = new HttpAgent(server.url);
    const hop = await agent.request(await signInAtIdp(agent, server, "agent", "agent-demo"));
    const cookie = hop.setCookies.find((c) => c.startsWith("__Host-airlock="));
    expect(cookie).toMatch(/^__Host-airlock=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Strict$/);
    expect(cookie).not.toMatch(/expires|max-age|domain/i);
  });

  it("does not accept a session id planted before login, nor the pre-MFA id after MFA (fixation)", async () => {
    const victim = new HttpAgent(server.url);
    const planted = "A".repeat(43);
    victim.cookies.set("__Host-airlock", planted);
    await victim.request(await signInAtIdp(victim, server, "agent", "agent-demo"));
    const preMfa = victim.cookies.get("__Host-airlock");
    expect(preMfa).not.toBe(planted);
    await passMfa(victim, server, "agent");
    expect(victim.cookies.get("__Host-airlock")).not.toBe(preMfa);
    for (const stale of [planted, preMfa ?? ""]) {
      const attacker = new HttpAgent(server.url);
      attacker.cookies.set("__Host-airlock", stale);
      expect((await attacker.json(`${server.url}/api/v1/me`)).status).toBe(401);
    }
  });

  it("rejects a TOTP code reused within its window (401 totp_replayed)", async () => {
    const { secret } = await signInEnrolled(server, "supervisor");
    const again = new HttpAgent(server.url);
    await again.request(await signInAtIdp(again, server, "supervisor", "supervisor-demo"));
    const code = await generate({ secret });
    const first = await again.json(`${server.url}/api/v1/mfa/challenge`, "POST", { code });
    // The enrollment may have consumed this very step already; either way the second use fails.
    const reuse = new HttpAgent(server.url);
    await reuse.request(await signInAtIdp(reuse, server, "supervisor", "supervisor-demo"));
    const second = await reuse.json(`${server.url}/api/v1/mfa/challenge`, "POST", { code });
    expect(second.status).toBe(401);
    expect(second.body).toMatchObject({ error: { details: { reason: "totp_replayed" } } });
    expect([200, 401]).toContain(first.status);
  });

  it("locks the second factor after repeated failures (429) and audits the lockout", async () => {
    await signInEnrolled(server, "auditor");
    const attacker = new HttpAgent(server.url);
    await attacker.request(await signInAtIdp(attacker, server, "auditor", "auditor-demo"));
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await attacker.json(`${server.url}/api/v1/mfa/challenge`, "POST", { code: "000000" })).status);
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses.slice(4)).toEqual([429, 429]);
    const audit = await server.services.storage.db.selectFrom("audit_log").select("action").where("action", "=", "auth.mfa.lockout").execute();
    expect(audit.length).toBeGreaterThan(0);
  });

  it("ends sessions past the idle timeout and past the absolute timeout (401)", async () => {
    const db = server.services.storage.db;
    const { idleTimeoutMs, absoluteTimeoutMs } = server.services.identity.policy.session;
    const idle = (await signInEnrolled(server)).agent;
    const absolute = (await signInEnrolled(server)).agent;
    const refOf = (a: HttpAgent) => hashToken(a.cookies.get("__Host-airlock") ?? "");
    await db.updateTable("agent_session").set({ last_seen_at: Date.now() - idleTimeoutMs - 1000 }).where("id_hash", "=", refOf(idle)).execute();
    await db.updateTable("agent_session").set({ created_at: Date.now() - absoluteTimeoutMs - 1000 }).where("id_hash", "=", refOf(absolute)).execute();
    expect((await idle.json(`${server.url}/api/v1/me`)).status).toBe(401);
    expect((await absolute.json(`${server.url}/api/v1/me`)).status).toBe(401);
    expect(await db.selectFrom("agent_session").select("id_hash").where("id_hash", "in", [refOf(idle), refOf(absolute)]).execute()).toEqual([]);
  });

  it("refuses state-changing requests from a foreign Origin or another site (403)", async () => {
    const { agent } = await signInEnrolled(server);
    expect((await agent.json(`${server.url}/api/v1/ws-ticket`, "POST", undefined, { origin: "https://evil.example" })).status).toBe(403);
    expect((await agent.json(`${server.url}/api/v1/ws-ticket`, "POST", undefined, { "sec-fetch-site": "cross-site" })).status).toBe(403);
    expect((await agent.json(`${server.url}/api/v1/ws-ticket`, "POST")).status).toBe(200);
  });

  it("authenticates /ws/agent upgrades: foreign Origin refused, ticket single use", async () => {
    const { agent } = await signInEnrolled(server);
    const authenticate = agentUpgradeAuthenticator(server.services.identity, server.services.storage.db);
    const upgrade = (origin: string, ticket: string): IncomingMessage => {
      const socket = new Socket();
      Object.defineProperty(socket, "remoteAddress", { value: "127.0.0.1" });
      return { headers: { origin }, url: `/ws/agent?ticket=${ticket}`, socket } as unknown as IncomingMessage;
    };
    const ticket = String((await agent.json(`${server.url}/api/v1/ws-ticket`, "POST")).body.ticket);
    await expect(authenticate(upgrade("https://evil.example", ticket))).rejects.toMatchObject({ code: "origin_not_allowed", status: 403 });
    const principal = await authenticate(upgrade(server.url, ticket));
    expect(principal.roles).toEqual(["agent"]);
    await expect(authenticate(upgrade(server.url, ticket))).rejects.toMatchObject({ code: "unauthenticated", status: 401 });
  });

  it("refuses agents outside the network allowlist, with the address taken through trusted proxies only (403)", async () => {
    const agent = new HttpAgent(server.url);
    // The peer (127.0.0.1) is a trusted proxy, so the forwarded client address counts.
    const outside = await agent.request(`${server.url}/auth/login`, { headers: { "x-forwarded-for": "203.0.113.7" } });
    expect(outside.status).toBe(403);
    const inside = await agent.request(`${server.url}/auth/login`, { headers: { "x-forwarded-for": "10.1.2.3" } });
    expect(inside.status).toBe(302);
  });

  it("denies an agent-viewer a control permission (403) while an agent has it", async () => {
    const { agent: viewer } = await signInEnrolled(server, "viewer");
    const me = await viewer.json(`${server.url}/api/v1/me`);
    expect(me.body.permissions).not.toContain("cobrowse:control");
    expect(server.services.policy.decide("cobrowse:control", { roles: ["agent-viewer"], mfa: true, sourceAddress: "127.0.0.1", grantedMode: "control", visitorConsent: { control: true } }).allow).toBe(false);
    // An admin-only route answers 403 to a viewer.
    expect((await viewer.json(`${server.url}/api/v1/sessions`)).status).toBe(403);
  });

  it("back-channel logout naming only the IdP session (sid, no sub) ends exactly the matching sessions", async () => {
    const idp = server.services.identity.devIdp;
    if (!idp) throw new Error("dev IdP expected");
    const db = server.services.storage.db;
    const { agent: target } = await signInEnrolled(server, "supervisor");
    const { agent: bystander } = await signInEnrolled(server, "supervisor");
    const sidOf = async (a: HttpAgent) =>
      (await db.selectFrom("agent_session").select("idp_sid").where("id_hash", "=", hashToken(a.cookies.get("__Host-airlock") ?? "")).executeTakeFirstOrThrow()).idp_sid;
    const sid = await sidOf(target);
    expect(sid).toBeTruthy();
    expect(await sidOf(bystander)).not.toBe(sid);
    const logoutToken = (aud: string) =>
      idp.adversary.sign(
        { iss: idp.issuer, aud, iat: Math.floor(Date.now() / 1000), jti: randomUUID(), events: { "http://schemas.openid.net/event/backchannel-logout": {} }, sid: sid ?? "" },
        "logout+jwt",
      );
    const post = async (token: string) =>
      (
        await fetch(`${server.url}/auth/backchannel-logout`, {
          method: "POST",
          headers: { "content-type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ logout_token: token }).toString(),
        })
      ).status;
    // A logout token for another audience is refused and ends nothing.
    expect(await post(await logoutToken("another-app"))).toBe(400);
    expect((await target.json(`${server.url}/api/v1/me`)).status).toBe(200);

    expect(await post(await logoutToken(idp.clientId))).toBe(200);
    expect((await target.json(`${server.url}/api/v1/me`)).status).toBe(401);
    expect((await bystander.json(`${server.url}/api/v1/me`)).status).toBe(200);
  });

  it("back-channel logout from the dev IdP ends the agent's sessions and announces them for socket closing", async () => {
    const { agent } = await signInEnrolled(server, "admin");
    const ended: SessionEnded[] = [];
    const stop = server.services.identity.events.onEnded((e) => ended.push(e));
    try {
      await server.services.identity.devIdp?.disableUser("admin");
      expect((await agent.json(`${server.url}/api/v1/me`)).status).toBe(401);
      expect(ended.some((e) => e.reason === "backchannel")).toBe(true);
    } finally {
      stop();
    }
  });
});
