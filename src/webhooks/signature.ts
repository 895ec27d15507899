import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// Webhook signatures as the Standard Webhooks specification defines them (standardwebhooks.com):
// HMAC-SHA256 with the subscription's secret over `${webhook-id}.${webhook-timestamp}.${body}`,
// sent as `webhook-signature: v1,<base64>`. The id and the time are signed with the body, so a
// receiver that checks the time window and remembers ids it has seen refuses replays.
// `verifyWebhook` is what docs/webhooks.md shows receivers; it has no dependency but node:crypto.

const SECRET_PREFIX = "whsec_";

/** How far a receiver should accept `webhook-timestamp` from its own clock (either way). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new secret in the `whsec_<base64 of 32 random bytes>` form. */
export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

/** The secret's key bytes; throws on anything but `whsec_` followed by base64 of 24 bytes or more. */
export function secretKey(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) throw new Error("a webhook secret starts with whsec_");
  const body = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(body)) throw new Error("a webhook secret is whsec_ followed by base64");
  const key = Buffer.from(body, "base64");
  if (key.length < 24) throw new Error("a webhook secret holds at least 24 random bytes");
  return key;
}

function sign(key: Buffer, id: string, timestamp: number, body: string): string {
  return createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
}

/** The three headers of one delivery attempt. `timestamp` in seconds since the epoch. */
export function signatureHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return { "webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": `v1,${sign(secretKey(secret), id, timestamp, body)}` };
}

export type VerificationFailure = "missing_headers" | "bad_timestamp" | "timestamp_outside_window" | "bad_signature" | "replayed";

export class WebhookVerificationError extends Error {
  constructor(
    readonly code: VerificationFailure,
    message: string,
  ) {
    super(message);
    this.name = "WebhookVerificationError";
  }
}

export interface VerifyOptions {
  readonly secret: string;
  /** The request's headers (lowercase names, as node:http gives them). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The raw request body, exactly as received (parse it only after verifying). */
  readonly body: string;
  /** The receiver's clock in seconds (default: now). */
  readonly nowSeconds?: number;
  readonly toleranceSeconds?: number;
  /** Returns true when this webhook-id was already accepted (a replay inside the window). */
  readonly alreadySeen?: (id: string) => boolean;
}

/**
 * Checks one received webhook and returns its parsed payload; throws WebhookVerificationError
 * when a header is missing, the time is outside the window, no signature matches, or the id was
 * seen before. Several `v1,` signatures may be listed (secret rotation): one match suffices.
 */
export function verifyWebhook(options: VerifyOptions): unknown {
  const header = (name: string): string | undefined => {
    const v = options.headers[name];
    return typeof v === "string" ? v : undefined;
  };
  const id = header("webhook-id");
  const stamp = header("webhook-timestamp");
  const signatures = header("webhook-signature");
  if (!id || !stamp || !signatures) throw new WebhookVerificationError("missing_headers", "webhook-id, webhook-timestamp and webhook-signature are required");
  if (!/^\d{1,12}$/.test(stamp)) throw new WebhookVerificationError("bad_timestamp", "webhook-timestamp is not whole seconds");
  const timestamp = Number(stamp);
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  if (Math.abs(now - timestamp) > tolerance) throw new WebhookVerificationError("timestamp_outside_window", "webhook-timestamp is outside the accepted window");
  const expected = Buffer.from(sign(secretKey(options.secret), id, timestamp, options.body), "base64");
  const matches = signatures.split(" ").some((entry) => {
    const [version, value] = entry.split(",", 2);
    if (version !== "v1" || !value) return false;
    const given = Buffer.from(value, "base64");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) throw new WebhookVerificationError("bad_signature", "no signature matches the body");
  if (options.alreadySeen?.(id)) throw new WebhookVerificationError("replayed", "this webhook-id was already received");
  return JSON.parse(options.body) as unknown;
}
