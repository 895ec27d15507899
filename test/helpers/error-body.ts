import { z } from "zod";

// Airlock's JSON error answer (src/http/errors.ts): `{ error: { code, message, requestId } }`.
const errorBody = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

/** The `error` of an error answer, from its body text or its parsed JSON; throws when the body is not one. */
export function errorOf(body: unknown): { code: string; message: string } {
  return errorBody.parse(typeof body === "string" ? JSON.parse(body) : body).error;
}
