import { maskedValue } from "./sanitizer/value-masks.js";
import type { ShadowIndex } from "./shadow-index.js";

// The relay's own masking of form values in mutations and input events, judged on the shadow
// index (which knows form fields by tag, and secret fields stickily: a password field turned
// into a text field stays secret). It does not trust the visitor script's `masked` flag or its
// placeholder: a page that bypasses the script gets the same result. Snapshots and added
// subtrees are masked by the sanitizer itself (sanitizer/html.ts).

/** Whether the value of node `id` reaches agents masked. */
export function valueMasked(index: ShadowIndex, id: number, maskInputValues: boolean): boolean {
  const kind = index.valueKind(id);
  return kind === "secret" || (kind === "typed" && maskInputValues);
}

/** A sanitized attribute change as agents receive it: a form field's `value` masked. */
export function maskedAttributeChange(index: ShadowIndex, id: number, name: string, value: string | null, maskInputValues: boolean): string | null {
  if (value === null || name !== "value" || !valueMasked(index, id, maskInputValues)) return value;
  return maskedValue(value);
}

/** A text change as agents receive it: a <textarea>'s text is its value. */
export function maskedTextChange(index: ShadowIndex, id: number, value: string, maskInputValues: boolean): string {
  return index.get(id)?.tag === "textarea" && valueMasked(index, id, maskInputValues) ? maskedValue(value) : value;
}

/** An input event as agents receive it: masked when the page said so or when the relay's rules say so. */
export function maskedInput(index: ShadowIndex, id: number, value: string, masked: boolean, maskInputValues: boolean): { masked: boolean; value: string } {
  // A node the index does not know as a choice is treated as typed: masked under the policy.
  const mask = masked || valueMasked(index, id, maskInputValues) || (maskInputValues && index.valueKind(id) !== "choice");
  return { masked: mask, value: mask ? maskedValue(value) : value };
}
