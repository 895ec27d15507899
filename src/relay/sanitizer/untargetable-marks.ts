// Elements agents see but may never act on, recognised by their sanitized tag and attributes
// while the sanitizer emits them:
// - the visitor script's placeholders for `.cobrowsing_nosync` and masking-selector blocks
//   (`data-airlock-masked`: an empty box without the block's class, so the site's own selectors
//   no longer match it) — masked, with everything below them;
// - password and payment-card fields (`autocomplete="cc-*"`), the same rule as the visitor
//   script's — protected: their masked values still reach agents, control events do not.
// Only ever adds restrictions, so a page that hides these markers loses nothing but this check.

export const MASKED_PLACEHOLDER_ATTRIBUTE = "data-airlock-masked";

const formFields: ReadonlySet<string> = new Set(["input", "textarea", "select"]);
const cardAutocomplete = /(^|\s)cc-/i;

/** A password or payment-card field, judged by its tag and attributes. */
export function isSecretField(tag: string, attribs: Readonly<Record<string, string | undefined>>): boolean {
  if (!formFields.has(tag)) return false;
  if (tag === "input" && (attribs.type ?? "").trim().toLowerCase() === "password") return true;
  return cardAutocomplete.test(attribs.autocomplete ?? "");
}

/** How an emitted element, given its sanitized attributes, is restricted (undefined: not at all). */
export function untargetableMark(tag: string, attribs: Readonly<Record<string, string>>): "masked" | "protected" | undefined {
  if (Object.hasOwn(attribs, MASKED_PLACEHOLDER_ATTRIBUTE)) return "masked";
  return isSecretField(tag, attribs) ? "protected" : undefined;
}
