import type { ErrorCode } from "./error-codes.js";
import type { ErrorMessage } from "./server-messages.js";

/** The `error` frame of a refusal; `ref` is the refused frame's seq when it has one, else its kind. */
export function errorFrame(refusal: { readonly code: ErrorCode; readonly message: string; readonly node?: number }, ref: string | number | undefined): ErrorMessage {
  return { kind: "error", code: refusal.code, message: refusal.message, ...(ref === undefined ? {} : { ref }), ...(refusal.node === undefined ? {} : { node: refusal.node }) };
}
