import type { z } from "zod";
import type { ErrorCode } from "./error-codes.js";
import { LIMITS } from "./limits.js";

export type ParseResult<T> = { ok: true; message: T } | { ok: false; code: ErrorCode; message: string; ref?: string };

/**
 * Parses one text frame: size, JSON, then the schema of its kind. Never throws; the error
 * says which rule failed without echoing frame content.
 */
export function parseFrame<T>(text: string, schema: z.ZodType<T>, maxBytes: number = LIMITS.maxFrameBytes): ParseResult<T> {
  // UTF-16 length bounds UTF-8 bytes from below; the transport's maxPayload bounds it exactly.
  if (text.length > maxBytes) return { ok: false, code: "frame_too_large", message: `frame exceeds ${maxBytes} bytes` };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, code: "bad_json", message: "frame is not valid JSON" };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, code: "bad_json", message: "frame is not a JSON object" };
  }
  const kind = (value as { kind?: unknown }).kind;
  const ref = typeof kind === "string" && /^[a-z-]{1,32}$/.test(kind) ? kind : undefined;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? issue.path.filter((p) => typeof p !== "symbol").join(".") || "(frame)" : "(frame)";
    const tooLong = issue?.code === "too_big" && issue.origin === "string";
    const tooMany = issue?.code === "too_big" && issue.origin === "array" && where === "ops";
    const code: ErrorCode = tooLong ? "value_too_long" : tooMany ? "too_many_ops" : "bad_frame";
    return { ok: false, code, message: `${ref ?? "frame"}: invalid field ${where}`, ...(ref ? { ref } : {}) };
  }
  return { ok: true, message: parsed.data };
}
