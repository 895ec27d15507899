import { randomUUID } from "node:crypto";
import { importJWK, SignJWT } from "jose";

// The demo shop's "backend" vouching for its signed-in customer, so a person trying Airlock in
// dev mode sees a verified visitor in the workspace. The key pair is public in this repository
// and its public half sits in policies/sites.yaml (demo site): it proves nothing outside the
// demo, and the route that uses it answers only in dev mode.

const DEMO_PRIVATE_JWK = {
  kty: "EC",
  crv: "P-256",
  x: "vzPCHCMql4w44Bu_a-hPKdbuVwxWsofNByKOqLduvc8",
  y: "xDJlsAYsx2ONburrXSqYUVvx4xe9fLV2i0F11xLUYss",
  d: "HUojbwmovv7_B5ZrV6lUT7R1KbGghz2t5elb48x9Cns",
} as const;
const DEMO_KID = "demo-2026";

/** The demo shop's one customer (the "My account" page shows the same person). */
export const DEMO_CUSTOMER = { id: "4711", name: "Dana Demo", tier: "Gold" } as const;

/** A token for the demo customer, for the site whose key is `siteKey`, living one minute. */
export async function demoIdentityToken(siteKey: string, nowMs: number): Promise<string> {
  const key = await importJWK({ ...DEMO_PRIVATE_JWK }, "ES256");
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ name: DEMO_CUSTOMER.name, tier: DEMO_CUSTOMER.tier })
    .setProtectedHeader({ alg: "ES256", kid: DEMO_KID, typ: "JWT" })
    .setSubject(DEMO_CUSTOMER.id)
    .setAudience(siteKey)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 60)
    .setJti(randomUUID())
    .sign(key);
}
