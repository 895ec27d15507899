import { describe, expect, it } from "vitest";
import { PolicyError } from "../../src/policy/errors.js";
import { loadPolicy, shippedPolicyDir } from "../../src/policy/load.js";
import { policyDir, replaceOnce, shipped } from "../policy/policy-dir.js";

// A site's identity keys are validated data like every policy field: only public keys of
// asymmetric algorithms, only asymmetric algorithms, a bounded lifetime, and attribute names that
// cannot shadow a registered claim. A bad entry refuses the policy and names the field.

const KEY_LINE = "        - { kty: EC, crv: P-256, kid: demo-2026, x: vzPCHCMql4w44Bu_a-hPKdbuVwxWsofNByKOqLduvc8, y: xDJlsAYsx2ONburrXSqYUVvx4xe9fLV2i0F11xLUYss }";

function issuesFor(from: string, to: string): string[] {
  const dir = policyDir({ "sites.yaml": replaceOnce(shipped("sites.yaml"), from, to) });
  try {
    loadPolicy({ shippedDir: shippedPolicyDir, overrideDir: dir, mode: "dev" });
  } catch (e) {
    if (e instanceof PolicyError) return e.issues.map((i) => `${i.field}: ${i.message}`);
    throw e;
  }
  return [];
}

describe("visitor identity policy", () => {
  it("accepts the shipped demo site's public key", () => {
    expect(loadPolicy({ shippedDir: shippedPolicyDir, mode: "dev" }).policy.sites.sites["demo"]?.identity?.algorithms).toEqual(["ES256"]);
  });

  it.each([
    ["a private key (d)", KEY_LINE, KEY_LINE.replace(" }", ", d: HUojbwmovv7_B5ZrV6lUT7R1KbGghz2t5elb48x9Cns }"), /private key member \(d\)/],
    ["a symmetric key (kty oct)", KEY_LINE, "        - { kty: oct, k: c2VjcmV0LXNlY3JldC1zZWNyZXQ }", /kty must be EC, OKP or RSA/],
    ["HS256 among the algorithms", "      algorithms: [ES256]", "      algorithms: [ES256, HS256]", /algorithms/],
    ["alg none", "      algorithms: [ES256]", "      algorithms: [none]", /algorithms/],
    ["a lifetime over ten minutes", "      maxLifetimeSeconds: 120", "      maxLifetimeSeconds: 3600", /maxLifetimeSeconds/],
    ["an attribute shadowing a registered claim", "      attributes: [tier]", "      attributes: [tier, sub]", /registered claim/],
    ["an unknown field", "      attributes: [tier]", "      attributes: [tier]\n      jwksUrl: https://keys.example/jwks.json", /jwksUrl/],
    ["no keys", `      keys:\n${KEY_LINE}\n`, "      keys: []\n", /keys/],
  ])("refuses %s and names the field", (_why, from, to, message) => {
    const issues = issuesFor(from, to);
    expect(issues.some((i) => i.startsWith("sites.demo.identity") && message.test(i)), issues.join("\n")).toBe(true);
  });
});
