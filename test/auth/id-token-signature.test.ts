import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RelyingParty } from "../../src/auth/oidc-client.js";

// The ID token's signature is checked against the IdP's published keys (ASVS V6.8.2, V9.1.1),
// even though it arrives straight from the token endpoint: a token endpoint that answers with a
// token signed by any other key, or unsigned, ends the sign-in. The IdP here is a real HTTP server
// on loopback whose token endpoint answers with whatever ID token the test hands it.

const clientId = "airlock";
let server: Server;
let base: string;
let trusted: CryptoKey;
let stranger: CryptoKey;
let nextIdToken = "";

beforeAll(async () => {
  const published = await generateKeyPair("RS256");
  trusted = published.privateKey;
  stranger = (await generateKeyPair("RS256")).privateKey;
  const jwk = { ...(await exportJWK(published.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
  server = createServer((req, res) => {
    const json = (body: unknown) => res.writeHead(200, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
    if (req.url === "/.well-known/openid-configuration") {
      json({ issuer: base, authorization_endpoint: `${base}/auth`, token_endpoint: `${base}/token`, jwks_uri: `${base}/jwks`,
        response_types_supported: ["code"], subject_types_supported: ["public"], id_token_signing_alg_values_supported: ["RS256"] });
    } else if (req.url === "/jwks") json({ keys: [jwk] });
    else if (req.url === "/token" && req.method === "POST") {
      req.resume();
      req.on("end", () => json({ access_token: "at", token_type: "Bearer", expires_in: 60, id_token: nextIdToken }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const checks = { state: "state-0123456789abcdef", nonce: "nonce-0123456789abcdef", codeVerifier: "v".repeat(43) };

async function signIn(idToken: (claims: Record<string, unknown>) => Promise<string>) {
  const rp = await RelyingParty.discover({ issuer: base, clientId, clientSecret: "s3cret", redirectUri: "http://127.0.0.1/auth/callback",
    postLogoutRedirectUri: "http://127.0.0.1/console/signed-out", allowHttpIssuer: true });
  nextIdToken = await idToken({ iss: base, aud: clientId, sub: "agent-1", nonce: checks.nonce });
  return rp.finish(new URL(`http://127.0.0.1/auth/callback?code=c0de&state=${checks.state}`), checks);
}

const signed = (key: CryptoKey, kid = "k1") => (claims: Record<string, unknown>) =>
  new SignJWT(claims).setProtectedHeader({ alg: "RS256", kid }).setIssuedAt().setExpirationTime("5m").sign(key);

describe("ID token signature at the callback", () => {
  it("accepts an ID token signed with the IdP's published key", async () => {
    const login = await signIn(signed(trusted));
    expect(login.claims).toMatchObject({ issuer: base, subject: "agent-1" });
  });

  it("refuses an ID token signed with another key, or not signed at all, and no sign-in happens", async () => {
    await expect(signIn(signed(stranger))).rejects.toMatchObject({ code: "unauthenticated" });
    await expect(signIn(signed(stranger, "unknown-kid"))).rejects.toMatchObject({ code: "unauthenticated" });
    const unsigned = async (claims: Record<string, unknown>) => {
      const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
      const now = Math.floor(Date.now() / 1000);
      return `${b64({ alg: "none" })}.${b64({ ...claims, iat: now, exp: now + 300 })}.`;
    };
    await expect(signIn(unsigned)).rejects.toMatchObject({ code: "unauthenticated" });
  });
});
