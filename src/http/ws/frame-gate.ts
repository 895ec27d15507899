import type { RawData } from "ws";
import type { z } from "zod";
import type { ProtocolErrorCode } from "../../protocol/error-codes.js";
import { parseFrame } from "../../protocol/frame.js";
import { LIMITS } from "../../protocol/limits.js";
import { CLOSE } from "./close-codes.js";
import type { ConnectionRateLimiter } from "./rate-limiter.js";

export type GateResult<T> =
  | { readonly ok: true; readonly message: T }
  | { readonly ok: false; readonly code: ProtocolErrorCode; readonly message: string; readonly ref?: string; readonly close?: { code: number; reason: string } };

/** Refused frames in a row after which a flooding connection is closed instead of answered. */
const FLOOD_CLOSE_AFTER = 500;

/**
 * The checks every frame passes before its kind's row in the relay's table: rate (messages and
 * bytes), text only, size in bytes, JSON and schema. Never throws; a refusal names its code.
 */
export function gateFrame<T>(data: RawData, isBinary: boolean, limiter: ConnectionRateLimiter, schema: z.ZodType<T>): GateResult<T> {
  const bytes = byteLength(data);
  if (!limiter.take(bytes)) {
    const close = limiter.refusedInARow > FLOOD_CLOSE_AFTER ? { code: CLOSE.rateLimited, reason: "rate_limited" } : undefined;
    return { ok: false, code: "rate_limited", message: "too many messages or bytes on this connection", ...(close ? { close } : {}) };
  }
  if (isBinary) return { ok: false, code: "bad_frame", message: "binary frames are not part of the protocol" };
  if (bytes > LIMITS.maxFrameBytes) return { ok: false, code: "frame_too_large", message: `frame exceeds ${LIMITS.maxFrameBytes} bytes` };
  const text = toBuffer(data).toString("utf8");
  const parsed = parseFrame(text, schema);
  return parsed.ok ? { ok: true, message: parsed.message } : parsed;
}

function byteLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function toBuffer(data: RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return data instanceof ArrayBuffer ? Buffer.from(data) : data;
}
