import { randomUUID } from "node:crypto";
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";
import { policyDir, replaceOnce, shipped } from "../policy/policy-dir.js";

// Keys and tokens for the verified-visitor tests: the demo site verifies key "site-a" (ES256), a
// second site "bank" verifies key "site-b"; tokens are made as a site's backend makes them, and
// broken on purpose one way at a time.

export const BANK_SITE_KEY = "bank-site-key-00001";
export const DEMO_SITE_KEY = "demo-site-key-0001";

export interface SiteSigner {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: Record<string, string>;
  readonly publicPem: string;
}

export async function siteSigner(kid: string): Promise<SiteSigner> {
  const { publicKey, privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { kid, privateKey, publicJwk: { ...(jwk as Record<string, string>), kid }, publicPem: await exportSPKI(publicKey) };
}

const flow = (jwk: Record<string, string>) => `{ ${Object.entries(jwk).map(([k, v]) => `${k}: "${v}"`).join(", ")} }`;

/** A policy folder: the demo site verifies `a`, site bank (on `bankOrigin`) verifies `b`. */
export function identityPolicyDir(a: SiteSigner, b: SiteSigner, bankOrigin: string): string {
  let sites = shipped("sites.yaml");
  const keysAt = sites.indexOf("      keys:\n");
  const keysEnd = sites.indexOf("      algorithms:", keysAt);
  sites = sites.slice(0, keysAt) + `      keys:\n        - ${flow(a.publicJwk)}\n` + sites.slice(keysEnd);
  sites = replaceOnce(
    sites,
    "sites:\n",
    `sites:\n  bank:\n    name: Test bank\n    siteKey: ${BANK_SITE_KEY}\n    origins: [${bankOrigin}]\n    identity:\n      keys:\n        - ${flow(b.publicJwk)}\n      algorithms: [ES256]\n      asvs: [V9.1.1]\n    asvs: [V4.4.2]\n`,
  );
  return policyDir({ "sites.yaml": sites });
}

export interface TokenShape {
  readonly claims?: JWTPayload;
  readonly iat?: number;
  readonly lifetime?: number;
  readonly audience?: string;
  readonly jti?: string;
}

/** A token as a site's backend signs it: customer 4711 Dana Demo, tier Gold, one minute. */
export async function signToken(signer: SiteSigner, nowSeconds: number, shape: TokenShape = {}): Promise<string> {
  const iat = shape.iat ?? nowSeconds;
  return new SignJWT({ name: "Dana Demo", tier: "Gold", ...shape.claims })
    .setProtectedHeader({ alg: "ES256", kid: signer.kid, typ: "JWT" })
    .setSubject(typeof shape.claims?.sub === "string" ? shape.claims.sub : "4711")
    .setAudience(shape.audience ?? DEMO_SITE_KEY)
    .setIssuedAt(iat)
    .setExpirationTime(iat + (shape.lifetime ?? 60))
    .setJti(shape.jti ?? randomUUID())
    .sign(signer.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

/** The classic forgeries: an unsigned token (alg none), and HS256 keyed with the site's public key. */
export async function forgeries(signer: SiteSigner, nowSeconds: number): Promise<{ none: string; hs256WithPublicKey: string }> {
  const payload = { sub: "4711", name: "Dana Demo", aud: DEMO_SITE_KEY, iat: nowSeconds, exp: nowSeconds + 60, jti: randomUUID() };
  const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`;
  const { createHmac } = await import("node:crypto");
  const head = `${b64({ alg: "HS256", typ: "JWT", kid: signer.kid })}.${b64({ ...payload, jti: randomUUID() })}`;
  const hs256WithPublicKey = `${head}.${createHmac("sha256", signer.publicPem).update(head).digest("base64url")}`;
  return { none, hs256WithPublicKey };
}
