import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RelyingParty } from "../../src/auth/oidc-client.js";

// A server cannot pass itself off as the configured IdP through its discovery document: the
// metadata's issuer must be exactly the configured issuer (OIDC Discovery 4.3, ASVS V10.5.3).
// The metadata server is a real HTTP server on loopback that states whatever issuer we tell it.

let server: Server;
let base: string;
let statedIssuer: (base: string) => string = (b) => b;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url !== "/.well-known/openid-configuration") {
      res.writeHead(404).end();
      return;
    }
    const issuer = statedIssuer(base);
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        issuer,
        authorization_endpoint: `${base}/auth`,
        token_endpoint: `${base}/token`,
        jwks_uri: `${base}/jwks`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const settings = () => ({
  issuer: base,
  clientId: "airlock",
  clientSecret: "not-a-real-secret",
  redirectUri: "http://127.0.0.1/auth/callback",
  postLogoutRedirectUri: "http://127.0.0.1/console/signed-out",
  allowHttpIssuer: true,
});

describe("OIDC discovery checks the issuer", () => {
  it("accepts metadata whose issuer is exactly the configured issuer", async () => {
    statedIssuer = (b) => b;
    const rp = await RelyingParty.discover(settings());
    expect(rp.issuer).toBe(base);
  });

  it("refuses discovery metadata whose issuer differs from the configured issuer", async () => {
    // Another tenant on the same host, another host, the same host on another port.
    for (const impersonated of [(b: string) => `${b}/other-tenant`, () => "https://idp.example", (b: string) => b.replace(/:\d+$/, ":1")]) {
      statedIssuer = impersonated;
      await expect(RelyingParty.discover(settings()), impersonated(base)).rejects.toMatchObject({ code: "OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED" });
    }
  });
});
