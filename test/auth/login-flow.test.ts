import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TestServer } from "../helpers/server.js";
import { HttpAgent } from "./helpers/http-agent.js";
import { signInAtIdp, signInEnrolled, startIdentityServer } from "./helpers/login.js";

describe("OIDC login with the dev IdP, TOTP enrollment, console access", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startIdentityServer();
  });
  afterAll(async () => server?.stop());

  it("signs in, enrolls TOTP and reaches the console API with an active session", async () => {
    const agent = new HttpAgent(server.url);
    const callback = await signInAtIdp(agent, server, "agent", "agent-demo");
    const landed = await agent.request(callback);
    expect(landed.status).toBe(302);
    expect(landed.location).toContain("/console/mfa");
    const pending = await agent.json(`${server.url}/api/v1/me`);
    expect(pending.body).toMatchObject({ stage: "mfa", totp: "none" });

    const { agent: enrolled } = await signInEnrolled(server);
    const me = await enrolled.json(`${server.url}/api/v1/me`);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ stage: "ready", roles: ["agent"] });
    expect(me.body.permissions).toContain("cobrowse:control");
  });
});
