import { generate } from "otplib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../helpers/server.js";
import { HttpAgent } from "./helpers/http-agent.js";
import { signInAtIdp, startIdentityServer } from "./helpers/login.js";

// A recovery code opens one session and never a second (ASVS V6.5.1), and a signed-in session
// alone cannot replace the second factor or the recovery codes: each needs a current code in the
// same request (V7.5.1). Real server, real dev IdP, real TOTP.

let server: TestServer;
beforeAll(async () => {
  server = await startIdentityServer();
});
afterAll(async () => server?.stop());

/** Signs in at the IdP and takes the callback: a session that still needs its second factor. */
async function pendingSession(login: string): Promise<HttpAgent> {
  const agent = new HttpAgent(server.url);
  const callback = await agent.request(await signInAtIdp(agent, server, login, `${login}-demo`));
  if (callback.status !== 302) throw new Error(`callback answered ${callback.status}`);
  return agent;
}

async function enroll(login: string): Promise<{ agent: HttpAgent; secret: string; recoveryCodes: string[] }> {
  const agent = await pendingSession(login);
  const started = await agent.json(`${server.url}/api/v1/mfa/enrollment`, "POST", {});
  const secret = String(started.body.secret);
  const confirmed = await agent.json(`${server.url}/api/v1/mfa/enrollment/confirm`, "POST", { code: await generate({ secret }) });
  expect(confirmed.status).toBe(200);
  return { agent, secret, recoveryCodes: confirmed.body.recoveryCodes as string[] };
}

describe("second factor: single-use recovery codes, re-authentication for changes", () => {
  it("accepts a recovery code once; the same code is refused for the next session", async () => {
    const { recoveryCodes } = await enroll("supervisor");
    const [code] = recoveryCodes;
    const first = await pendingSession("supervisor");
    expect((await first.json(`${server.url}/api/v1/mfa/recovery`, "POST", { code })).status).toBe(200);
    expect((await first.json(`${server.url}/api/v1/me`)).body.mfa).toMatchObject({ totp: "enrolled", recoveryCodesLeft: recoveryCodes.length - 1 });
    const second = await pendingSession("supervisor");
    expect((await second.json(`${server.url}/api/v1/mfa/recovery`, "POST", { code })).status).toBe(401);
    expect((await second.json(`${server.url}/api/v1/me`)).body).toMatchObject({ stage: "mfa" });
  });

  it("refuses to replace the factor or the recovery codes without a valid current code, and changes nothing", async () => {
    const { agent } = await enroll("auditor");
    const before = (await agent.json(`${server.url}/api/v1/me`)).body.mfa;
    // Four wrong codes: one fewer than the lockout, so each refusal is about the code itself.
    for (const code of ["000000", "not-a-code"]) {
      for (const route of ["/api/v1/me/mfa/reset", "/api/v1/me/recovery-codes"]) {
        const r = await agent.json(`${server.url}${route}`, "POST", { code });
        expect([400, 401], `${route} with ${code}`).toContain(r.status);
      }
    }
    expect((await agent.json(`${server.url}/api/v1/me`)).body.mfa).toEqual(before);
    expect(before).toMatchObject({ totp: "enrolled", recoveryCodesLeft: 10 });
  });
});
