// The placeholder character masked values are made of, as agents receive them: a masked value
// keeps only its length, one placeholder per character. A masked value never travels back as
// data: the relay and the visitor script refuse any control value that contains it, so an agent
// can only replace a masked field's whole value (or, per policy, not edit it at all).
export const MASK_PLACEHOLDER = "\u2022";

/** `length` placeholders (capped), the masked form of a value of that length. */
export function maskPlaceholder(length: number, cap = 64): string {
  return MASK_PLACEHOLDER.repeat(Math.max(0, Math.min(length, cap)));
}

export function containsMaskPlaceholder(value: string): boolean {
  return value.includes(MASK_PLACEHOLDER);
}

/**
 * What an agent may do with a field whose value is masked (policy cobrowse.maskedFields):
 * `replace` its whole value with one the agent types afresh, or `never` edit it.
 */
export const MASKED_FIELD_EDITS = ["replace", "never"] as const;
export type MaskedFieldEdit = (typeof MASKED_FIELD_EDITS)[number];
