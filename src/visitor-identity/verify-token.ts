import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import { REGISTERED_IDENTITY_CLAIMS, type VisitorIdentityPolicy } from "../policy/schema/visitor-identity.js";

// Checks one visitor identity token against its site's policy: signature by one of the site's
// public keys with an allowed algorithm, audience = the site key, a short life (`exp - iat`
// within the policy's maximum, `iat` not in the future), a `jti`, and no claim the policy does
// not list. Pure: the single use of the `jti` is the caller's (used-tokens.ts).

/** Longest token accepted (characters); a signed token naming a customer is far shorter. */
export const MAX_IDENTITY_TOKEN_CHARS = 4096;
/** Clock difference tolerated between the site's backend and Airlock, seconds. */
const CLOCK_SKEW_SECONDS = 30;
const MAX_CLAIM_CHARS = { sub: 128, name: 120, jti: 128, attribute: 200 } as const;
/** A customer id is an identifier (it is searched for and named in the audit trail), not free text. */
export const CUSTOMER_ID_PATTERN = /^[A-Za-z0-9._:@+=-]{1,128}$/;

/** Why a token was refused (audited as the rule; the visitor script hears the matching code). */
export type IdentityRefusalReason =
  | "not_configured"
  | "too_large"
  | "malformed"
  | "algorithm"
  | "no_key"
  | "signature"
  | "audience"
  | "expired"
  | "not_yet_valid"
  | "lifetime"
  | "claims"
  | "unknown_claim";

export interface VerifiedVisitor {
  /** The site's own customer id (`sub`). */
  readonly customerId: string;
  readonly name: string;
  /** The policy's listed attributes the token carried. */
  readonly attributes: Readonly<Record<string, string>>;
}

export type TokenCheck =
  | { readonly ok: true; readonly visitor: VerifiedVisitor; readonly jti: string; readonly acceptableUntil: number }
  | { readonly ok: false; readonly reason: IdentityRefusalReason };

export interface SiteForIdentity {
  readonly siteKey: string;
  readonly identity?: VisitorIdentityPolicy | undefined;
}

export async function verifyIdentityToken(token: string, site: SiteForIdentity, nowMs: number): Promise<TokenCheck> {
  const identity = site.identity;
  if (!identity) return refuse("not_configured");
  if (token.length > MAX_IDENTITY_TOKEN_CHARS) return refuse("too_large");
  let payload: JWTPayload;
  try {
    const keys = createLocalJWKSet({ keys: identity.keys.map((k) => ({ ...k })) });
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: [...identity.algorithms],
      audience: site.siteKey,
      currentDate: new Date(nowMs),
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ["sub", "exp", "iat", "jti", "aud"],
    }));
  } catch (err) {
    return refuse(reasonOf(err));
  }
  const { iat, exp, jti, sub, name } = payload;
  if (typeof iat !== "number" || typeof exp !== "number") return refuse("claims");
  if (iat * 1000 > nowMs + CLOCK_SKEW_SECONDS * 1000) return refuse("not_yet_valid");
  if (exp - iat > identity.maxLifetimeSeconds) return refuse("lifetime");
  if (!text(sub, MAX_CLAIM_CHARS.sub) || !CUSTOMER_ID_PATTERN.test(sub) || !text(jti, MAX_CLAIM_CHARS.jti) || !text(name, MAX_CLAIM_CHARS.name)) return refuse("claims");
  const listed = new Set<string>([...REGISTERED_IDENTITY_CLAIMS, ...identity.attributes]);
  if (Object.keys(payload).some((claim) => !listed.has(claim))) return refuse("unknown_claim");
  const attributes: Record<string, string> = {};
  for (const attribute of identity.attributes) {
    const value = payload[attribute];
    if (value === undefined) continue;
    if (!text(value, MAX_CLAIM_CHARS.attribute)) return refuse("claims");
    attributes[attribute] = value;
  }
  // Until then a replay could pass the expiry check (clock skew), so the jti is kept that long.
  return { ok: true, visitor: { customerId: sub, name, attributes }, jti, acceptableUntil: (exp + CLOCK_SKEW_SECONDS) * 1000 };
}

function refuse(reason: IdentityRefusalReason): TokenCheck {
  return { ok: false, reason };
}

/** A non-empty single-line string of at most `max` characters, without control characters. */
function text(value: unknown, max: number): value is string {
  // eslint-disable-next-line no-control-regex
  return typeof value === "string" && value.length > 0 && value.length <= max && !/[\u0000-\u001f\u007f]/.test(value);
}

function reasonOf(err: unknown): IdentityRefusalReason {
  if (err instanceof errors.JWTExpired) return "expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return "audience";
    if (err.claim === "nbf" || err.claim === "iat") return "not_yet_valid";
    return "claims";
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return "algorithm";
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return "no_key";
  if (err instanceof errors.JWSSignatureVerificationFailed) return "signature";
  return "malformed";
}
