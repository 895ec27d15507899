import type { SanitizedFragment } from "./sanitizer/html.js";
import { isSecretField, MASKED_PLACEHOLDER_ATTRIBUTE } from "./sanitizer/untargetable-marks.js";
import { holdsValue, PRIVATE_FIELD_ATTRIBUTE } from "./sanitizer/value-masks.js";
import type { ShadowIndex } from "./shadow-index.js";

// Applies the restrictions of sanitizer/untargetable-marks.ts to the room's shadow index: the
// sanitizer reports placeholders and secret fields as it emits them (node ids already claimed by
// the session), attribute changes are judged here.

/** Marks the placeholders (masked, subtree and all) and secret fields of a sanitized snapshot or added subtree. */
export function markUntargetable(index: ShadowIndex, fragment: Pick<SanitizedFragment, "placeholders" | "secretFields" | "privateFields">): void {
  for (const id of fragment.placeholders) index.mask(id);
  for (const id of fragment.secretFields) index.protect(id);
  for (const id of fragment.privateFields) index.markPrivate(id);
}

/** An attribute change that turns an element into a placeholder or a secret field. */
export function markUntargetableAttribute(index: ShadowIndex, id: number, name: string, value: string | null): void {
  const node = index.get(id);
  if (!node || value === null) return;
  if (name === MASKED_PLACEHOLDER_ATTRIBUTE) index.mask(id);
  else if ((name === "type" || name === "autocomplete") && isSecretField(node.tag, { [name]: value })) index.protect(id);
  // A field marked private keeps its values masked from now on (sanitizer/value-masks.ts).
  else if (name === PRIVATE_FIELD_ATTRIBUTE && holdsValue(node.tag)) index.markPrivate(id);
}
