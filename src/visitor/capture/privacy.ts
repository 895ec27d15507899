// What may leave the page. Decided here, before serialization, so masked content never exists
// in any string the script builds:
// - elements under `.cobrowsing_nosync` or a site masking selector become a placeholder;
// - password and payment-card fields always send a masked value;
// - every other input value is masked too unless the site's policy unmasks inputs, and even
//   then a field can opt back in with `data-airlock-mask`.

import type { MaskedFieldEdit } from "../../protocol/mask.js";

export const NOSYNC_CLASS = "cobrowsing_nosync";

export interface PrivacyRules {
  /** Selector list matching masked subtrees' roots (nosync class included). */
  readonly maskSelector: string;
  /** False only when the site's policy lets input values through unmasked. */
  readonly maskInputValues: boolean;
  /** Policy cobrowse.maskedFields: an agent may replace a masked field's whole value, or never edit it. */
  readonly maskedFieldEdit: MaskedFieldEdit;
}

export function privacyRules(maskingSelectors: readonly string[] = [], maskInputValues = true, maskedFieldEdit: MaskedFieldEdit = "replace"): PrivacyRules {
  const valid = maskingSelectors.filter(isValidSelector);
  return { maskSelector: [`.${NOSYNC_CLASS}`, ...valid].join(","), maskInputValues, maskedFieldEdit };
}

function isValidSelector(selector: string): boolean {
  try {
    document.createDocumentFragment().querySelector(selector);
    return true;
  } catch {
    return false;
  }
}

/** The element itself is the root of a masked subtree. */
export function isMaskRoot(el: Element, rules: PrivacyRules): boolean {
  try {
    return el.matches(rules.maskSelector);
  } catch {
    return true;
  }
}

/** The element or one of its ancestors (across shadow roots and frames) is masked. */
export function isInsideMasked(node: Node, rules: PrivacyRules): boolean {
  let n: Node | null = node;
  while (n) {
    if (n.nodeType === 1) {
      const el = n as Element;
      const hit = el.closest(rules.maskSelector);
      if (hit) return true;
    }
    const root: Node = n.getRootNode();
    if (root instanceof ShadowRoot) n = root.host;
    else if (root.nodeType === 9) n = (root as Document).defaultView?.frameElement ?? null;
    else n = null;
  }
  return false;
}

const cardAutocomplete = /(^|\s)cc-/i;

/** `<input>` types whose value is the button's label (the value mode "default"): never typed. */
export const BUTTON_INPUT_TYPES: ReadonlySet<string> = new Set(["submit", "reset", "button"]);

/** Password and payment-card fields: never sent and never written by an agent. */
export function isSecretField(el: Element): boolean {
  const tag = el.localName;
  if (tag !== "input" && tag !== "textarea" && tag !== "select") return false;
  if (tag === "input" && (el as HTMLInputElement).type === "password") return true;
  return cardAutocomplete.test(el.getAttribute("autocomplete") ?? "");
}

export function isValueMasked(el: Element, rules: PrivacyRules): boolean {
  if (isSecretField(el)) return true;
  if (el.hasAttribute("data-airlock-mask")) return true;
  // A <select> choice is one of the options the page shows anyway; typed values are what policy masks.
  if (el.localName === "select") return false;
  // A button's value is its label, written by the page: nobody can type into it.
  if (el.localName === "input" && BUTTON_INPUT_TYPES.has((el as HTMLInputElement).type)) return false;
  return rules.maskInputValues;
}

/** A masked value keeps only the length (the protocol's masking rule). */
export function maskValue(value: string): string {
  return "*".repeat(Math.min(value.length, 4096));
}
