import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** 256-bit random value, base64url: session ids, login transactions, tickets. */
export function randomToken(): string {
  return randomBytes(32).toString("base64url");
}

/** Tokens are stored only as their SHA-256, so a database copy yields no usable cookie or ticket. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** A 256-bit value derived from a secret token for one purpose (HMAC-SHA-256, base64url, 43 characters). */
export function deriveToken(secret: string, purpose: string): string {
  return createHmac("sha256", secret).update(purpose, "utf8").digest("base64url");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const tokenShape = /^[A-Za-z0-9_-]{43}$/;
