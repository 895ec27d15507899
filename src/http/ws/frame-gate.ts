import type { RawData } from "ws";
import type { z } from "zod";
import { closeCodeOf, type ErrorCode } from "../../protocol/error-codes.js";
import { parseFrame } from "../../protocol/frame.js";
import { LIMITS } from "../../protocol/limits.js";
import { frameText } from "./frame-text.js";
import type { OffenceMeter } from "../../quotas/offence-meter.js";
import type { ConnectionRateLimiter } from "./rate-limiter.js";

export type Refusal = { readonly ok: false; readonly code: ErrorCode; readonly message: string; readonly ref?: string; readonly close?: { code: number; reason: string } };
export type GateResult = { readonly ok: true; readonly text: string } | Refusal;
export type Routed<T> = { readonly ok: true; readonly message: T } | { readonly ok: true; readonly other: string; readonly kind: string } | Refusal;

/**
 * The checks every frame passes first, whatever its kind: rate (messages and bytes), text only,
 * size in bytes. Never throws; a refusal names its code. Each rate refusal counts against the
 * connection (`offences`); one past wsOffenceLimit closes it with 4429.
 */
export function gateFrame(data: RawData, isBinary: boolean, limiter: ConnectionRateLimiter, offences: OffenceMeter): GateResult {
  const bytes = byteLength(data);
  if (!limiter.take(bytes)) {
    const close = offences.offend() ? { code: closeCodeOf("rate_limited"), reason: "rate_limited" } : undefined;
    return { ok: false, code: "rate_limited", message: "too many messages or bytes on this connection", ...(close ? { close } : {}) };
  }
  if (isBinary) return { ok: false, code: "bad_frame", message: "binary frames are not part of the protocol" };
  if (bytes > LIMITS.maxFrameBytes) return { ok: false, code: "frame_too_large", message: `frame exceeds ${LIMITS.maxFrameBytes} bytes` };
  return { ok: true, text: frameText(data) };
}

/**
 * JSON and the co-browse schema of the frame's kind; a frame whose kind belongs to `otherKinds`
 * (chat, presence) is handed back untouched for its own handler, which parses it by its schema.
 */
export function routeFrame<T>(text: string, schema: z.ZodType<T>, otherKinds: ReadonlySet<string>): Routed<T> {
  const parsed = parseFrame(text, schema);
  if (parsed.ok) return parsed;
  if (parsed.ref !== undefined && otherKinds.has(parsed.ref)) return { ok: true, other: text, kind: parsed.ref };
  return parsed;
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
