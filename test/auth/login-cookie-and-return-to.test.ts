import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../helpers/server.js";
import { HttpAgent, type Hop } from "./helpers/http-agent.js";
import { loginFormAction, startIdentityServer } from "./helpers/login.js";

// The login-transaction cookie carries exactly the attributes docs/identity.md gives it (ASVS
// V3.3.1–V3.3.3), and sign-in sends the browser back only to a console path, whatever returnTo a
// link asks for (V3.7.2): no open redirect through /auth/login.

let server: TestServer;
beforeAll(async () => {
  server = await startIdentityServer();
});
afterAll(async () => server?.stop());

/** /auth/login?returnTo=… through the dev IdP's sign-in, up to Airlock's answer at the callback. */
async function signInAskingFor(returnTo: string | undefined): Promise<{ start: Hop; callback: Hop }> {
  const agent = new HttpAgent(server.url);
  const start = await agent.request(`${server.url}/auth/login${returnTo === undefined ? "" : `?returnTo=${encodeURIComponent(returnTo)}`}`);
  if (!start.location) throw new Error(`/auth/login answered ${start.status}`);
  const toForm = await agent.follow(start.location);
  const posted = await agent.request(loginFormAction(toForm[toForm.length - 1] as Hop), {
    method: "POST",
    body: new URLSearchParams({ login: "agent", password: "agent-demo" }).toString(),
    contentType: "application/x-www-form-urlencoded",
  });
  const hops = await agent.follow(posted.location ?? "", (next) => next.startsWith(`${server.url}/auth/callback`));
  const toCallback = hops[hops.length - 1]?.location;
  if (!toCallback?.startsWith(`${server.url}/auth/callback`)) throw new Error("the IdP did not send the browser back to the callback");
  return { start, callback: await agent.request(toCallback) };
}

/** Where the callback sends a new session: the second-factor page, carrying the return path. */
const returnPathOf = (callback: Hop) => new URL(callback.location ?? "", server.url).searchParams.get("returnTo");

describe("login-transaction cookie and the return path", () => {
  it("sets the login cookie with exact attributes and clears it at the callback", async () => {
    const { start, callback } = await signInAskingFor(undefined);
    const set = start.setCookies.filter((c) => c.startsWith("__Host-airlock-login="));
    expect(set).toHaveLength(1);
    expect(set[0]).toMatch(/^__Host-airlock-login=[A-Za-z0-9_-]{43}; Path=\/; Secure; HttpOnly; SameSite=Lax; Max-Age=300$/);
    expect(set[0]).not.toMatch(/domain|expires/i);
    expect(callback.setCookies.filter((c) => c.startsWith("__Host-airlock-login="))).toEqual(["__Host-airlock-login=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"]);
  });

  it("returns only to a console path, whatever returnTo asks for", async () => {
    const kept = await signInAskingFor("/console/chats");
    expect(kept.callback.status).toBe(302);
    expect(returnPathOf(kept.callback)).toBe("/console/chats");
    for (const hostile of ["https://evil.example/console/", "//evil.example/console/", "/console/../../evil", "/\\evil.example", "javascript:alert(1)", "/console@evil.example"]) {
      const { callback } = await signInAskingFor(hostile);
      expect(new URL(callback.location ?? "", server.url).origin, hostile).toBe(server.url);
      expect(returnPathOf(callback), hostile).toBe("/console/");
    }
  });
});
