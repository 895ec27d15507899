import { generate } from "otplib";
import { freePort } from "../../helpers/ports.js";
import { startTestServer, type TestServer } from "../../helpers/server.js";
import { HttpAgent, type Hop } from "./http-agent.js";

/** Airlock in dev mode with its dev IdP, on a known loopback port (publicUrl must be exact). */
export async function startIdentityServer(env: Record<string, string> = {}, options: Parameters<typeof startTestServer>[1] = {}): Promise<TestServer> {
  return startTestServer({ AIRLOCK_PORT: String(await freePort()), ...env }, options);
}

/** Extracts the interaction form action from the dev IdP's login page. */
export function loginFormAction(hop: Hop): string {
  const m = /action="(\/interaction\/[^"]+\/login)"/.exec(hop.body);
  if (!m?.[1]) throw new Error(`no login form in ${hop.url} (${hop.status})`);
  return new URL(m[1], hop.url).href;
}

/**
 * Runs /auth/login → dev IdP sign-in and stops right before Airlock's callback, returning the
 * callback URL the IdP redirected to. `rewriteAuthorizeUrl` lets attack tests tamper with the
 * authorization request on its way to the IdP.
 */
export async function signInAtIdp(
  agent: HttpAgent,
  server: Pick<TestServer, "url">,
  login: string,
  password: string,
  rewriteAuthorizeUrl: (url: URL) => URL = (u) => u,
): Promise<string> {
  const start = await agent.request(`${server.url}/auth/login`);
  if (start.status !== 302 || !start.location) throw new Error(`/auth/login answered ${start.status}`);
  const authorize = rewriteAuthorizeUrl(new URL(start.location));
  const toForm = await agent.follow(authorize.href, (next) => next.startsWith(`${server.url}/auth/callback`));
  const formPage = toForm[toForm.length - 1] as Hop;
  // The IdP may refuse the request outright and send the browser straight back with an error.
  if (formPage.status !== 200) return formPage.location ?? formPage.url;
  const posted = await agent.request(loginFormAction(formPage), {
    method: "POST",
    body: new URLSearchParams({ login, password }).toString(),
    contentType: "application/x-www-form-urlencoded",
  });
  if (!posted.location) throw new Error(`IdP login answered ${posted.status}`);
  const hops = await agent.follow(posted.location, (next) => next.startsWith(`${server.url}/auth/callback`));
  const last = hops[hops.length - 1] as Hop;
  if (!last.location?.startsWith(`${server.url}/auth/callback`)) throw new Error(`IdP did not redirect to the callback (last ${last.status} ${last.url})`);
  return last.location;
}

const enrolled = new Map<string, { secret: string; recoveryCodes: string[] }>();

/**
 * Satisfies the second factor of a pending session: enrolls TOTP the first time a demo user signs
 * in on this server, afterwards spends one of its recovery codes (a TOTP code could collide with
 * the replay guard when two logins fall in the same 30-second step).
 */
export async function passMfa(agent: HttpAgent, server: Pick<TestServer, "url">, login: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const key = `${server.url}|${login}`;
  const known = enrolled.get(key);
  if (known) {
    const r = await agent.json(`${server.url}/api/v1/mfa/recovery`, "POST", { code: known.recoveryCodes.pop() });
    if (r.status !== 200) throw new Error(`recovery answered ${r.status} ${JSON.stringify(r.body)}`);
    return known;
  }
  const enroll = await agent.json(`${server.url}/api/v1/mfa/enrollment`, "POST", {});
  if (enroll.status !== 200) throw new Error(`enrollment answered ${enroll.status} ${JSON.stringify(enroll.body)}`);
  const secret = String(enroll.body.secret);
  const confirm = await agent.json(`${server.url}/api/v1/mfa/enrollment/confirm`, "POST", { code: await generate({ secret }) });
  if (confirm.status !== 200) throw new Error(`confirm answered ${confirm.status} ${JSON.stringify(confirm.body)}`);
  const state = { secret, recoveryCodes: [...(confirm.body.recoveryCodes as string[])] };
  enrolled.set(key, state);
  return state;
}

/** Full sign-in including the second factor; returns the agent with an active session cookie. */
export async function signInEnrolled(server: Pick<TestServer, "url">, login = "agent", password = `${login}-demo`): Promise<{ agent: HttpAgent; secret: string }> {
  const agent = new HttpAgent(server.url);
  const cb = await signInAtIdp(agent, server, login, password);
  const done = await agent.request(cb);
  if (done.status !== 302) throw new Error(`callback answered ${done.status}: ${done.body.slice(0, 200)}`);
  const { secret } = await passMfa(agent, server, login);
  return { agent, secret };
}
