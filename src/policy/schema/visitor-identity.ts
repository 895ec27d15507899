import { z } from "zod";
import { asvsRefs } from "./asvs.js";

// How a site's backend vouches for its signed-in customer: the public keys (an inline JWKS) that
// verify its short-lived tokens, the algorithms it may use, how long a token may live and which
// extra claims are shown to agents. Public keys only: a key with private parts is refused here.

export const IDENTITY_ALGORITHMS = ["ES256", "ES384", "EdDSA", "Ed25519", "RS256", "PS256"] as const;

/** Claims every token may carry besides the site's listed attributes. */
export const REGISTERED_IDENTITY_CLAIMS = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "name"] as const;

const PRIVATE_JWK_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];
const publicJwk = z.record(z.string().regex(/^[a-z_]{1,16}$/), z.union([z.string().max(2048), z.array(z.string().max(64)).max(8)])).superRefine((jwk, ctx) => {
  const kty = jwk["kty"];
  if (kty !== "EC" && kty !== "OKP" && kty !== "RSA") ctx.addIssue({ code: "custom", message: "kty must be EC, OKP or RSA (public-key algorithms only)" });
  const secret = PRIVATE_JWK_MEMBERS.find((m) => m in jwk);
  if (secret) ctx.addIssue({ code: "custom", message: `a private key member (${secret}) is here: list public keys only` });
});

export const visitorIdentitySchema = z.strictObject({
  /** The site's verification keys as JWKs (a JWKS's `keys`); a token's `kid` picks one. */
  keys: z.array(publicJwk).min(1).max(8),
  algorithms: z.array(z.enum(IDENTITY_ALGORITHMS)).min(1).default(["ES256", "EdDSA", "RS256"]),
  /** Longest allowed `exp - iat`, seconds. */
  maxLifetimeSeconds: z.number().int().min(10).max(600).default(300),
  /** Extra claims (strings) shown to agents as facts about the customer; any other claim refuses the token. */
  attributes: z
    .array(z.string().regex(/^[a-z][a-zA-Z0-9_]{0,31}$/, "attribute names are short camelCase words"))
    .max(16)
    .default([])
    .refine((names) => !names.some((n) => (REGISTERED_IDENTITY_CLAIMS as readonly string[]).includes(n)), "an attribute may not be a registered claim"),
  asvs: asvsRefs,
});

export type VisitorIdentityPolicy = z.output<typeof visitorIdentitySchema>;
