import { maskPlaceholder } from "../../protocol/mask.js";

// How form values reach agents when they must not be read: the relay's mask (the protocol's
// placeholder, one per character up to a cap), so an agent sees that a field holds something
// and nothing of what. Applied by the relay whatever the page or the visitor script sent, on
// every way a value travels: `value` attributes and `<textarea>` text in snapshots and added
// subtrees, attribute and text mutations, input events. The same rules as the visitor script's:
// - password and payment-card fields (secret), and fields marked `data-airlock-mask` (private),
//   are always masked, and stay so for the session;
// - typed values (input, textarea) are masked when the policy masks input values;
// - a <select> choice (the select's value, its options' values and `selected`) is one of the
//   options the page shows anyway: it travels unless the select is secret or private.

/** The attribute a page sets on a form field that must stay masked whatever the policy says. */
export const PRIVATE_FIELD_ATTRIBUTE = "data-airlock-mask";

export function maskedValue(value: string): string {
  return maskPlaceholder(value.length);
}

const typedTags: ReadonlySet<string> = new Set(["input", "textarea"]);
const choiceTags: ReadonlySet<string> = new Set(["select", "option"]);

/** Elements whose value is what a visitor typed or chose. */
export function holdsValue(tag: string): boolean {
  return typedTags.has(tag) || choiceTags.has(tag);
}

const buttonInputTypes: ReadonlySet<string> = new Set(["submit", "reset", "button"]);

/**
 * An `<input>` button (submit, reset, button) whose value is its label, written by the page:
 * nobody types into it, so the policy's masking of typed values does not cover it. Judged per
 * snapshot or added subtree only; a later change of its value stays masked as a typed value.
 */
export function isButtonLabel(tag: string, attribs: Readonly<Record<string, string | undefined>>): boolean {
  // Not trimmed: browsers read `type=" submit "` as a text field.
  return tag === "input" && buttonInputTypes.has((attribs.type ?? "").toLowerCase());
}

/** Whether a field's value is masked, given whether it (or, for an option, its select) is secret or private. */
export function masksValue(tag: string, secretOrPrivate: boolean, maskInputValues: boolean): boolean {
  if (!holdsValue(tag)) return false;
  return secretOrPrivate || (maskInputValues && typedTags.has(tag));
}
