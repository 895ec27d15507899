import type { ControlEvent } from "../../protocol/agent-messages.js";
import { LIMITS } from "../../protocol/limits.js";
import { containsMaskPlaceholder } from "../../protocol/mask.js";
import { DOCUMENT_NODE_ID } from "../../protocol/node-id.js";
import type { ControlRefusal } from "../../protocol/visitor-messages.js";
import type { NodeMirror } from "../capture/mirror.js";
import { isInsideMasked, isSecretField, isValueMasked, maskValue, type PrivacyRules } from "../capture/privacy.js";

// Acts on the visitor's page for an agent in control mode. The relay has already checked role,
// mode, consent and the node; the script checks again against the live page before doing
// anything: the node must still exist, lie outside every masked block and Airlock's own UI, not
// be a password or payment-card field, and a typed value must fit the field. A masked value never
// comes back as data: a typed value carrying a mask placeholder (the relay's, or this script's own
// masked form of the field's value) is refused, and so is any typed value into a masked field when
// policy says agents never edit them; an agent can only replace a masked value whole.

export type { ControlRefusal };
export type ControlOutcome = { ok: true } | { ok: false; reason: ControlRefusal };

const editableInputTypes: ReadonlySet<string> = new Set(["text", "search", "email", "tel", "url", "number", "date", "time", "month", "week", "datetime-local", ""]);

export function dispatchControl(event: ControlEvent, mirror: NodeMirror, rules: PrivacyRules, isOwnUi: (n: Node) => boolean): ControlOutcome {
  if (event.type === "scroll" && event.id === DOCUMENT_NODE_ID) {
    window.scrollTo({ left: event.x, top: event.y, behavior: "instant" });
    return { ok: true };
  }
  const node = mirror.nodeOf(event.id);
  if (!(node instanceof Element)) return { ok: false, reason: "unknown_node" };
  if (isOwnUi(node) || isInsideMasked(node, rules)) return { ok: false, reason: "node_masked" };
  if (isSecretField(node)) return { ok: false, reason: "secret_field" };
  switch (event.type) {
    case "click":
      return click(node);
    case "input":
      return maskedValueRefusal(node, event.value, rules) ?? typeInto(node, event.value);
    case "key":
      return key(node, event.key);
    case "scroll":
      node.scrollTo({ left: event.x, top: event.y, behavior: "instant" });
      return { ok: true };
  }
}

function click(el: Element): ControlOutcome {
  if (!(el instanceof HTMLElement) && !(el instanceof SVGElement)) return { ok: false, reason: "not_editable" };
  if (el instanceof HTMLElement) {
    el.focus({ preventScroll: true });
    el.click();
  } else el.dispatchEvent(new MouseEvent("click", { bubbles: true, cancelable: true, composed: true }));
  return { ok: true };
}

function maskedValueRefusal(el: Element, value: string, rules: PrivacyRules): ControlOutcome | undefined {
  if (containsMaskPlaceholder(value)) return { ok: false, reason: "masked_value" };
  if (!(el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement)) return undefined;
  if (!isValueMasked(el, rules)) return undefined;
  if (rules.maskedFieldEdit === "never") return { ok: false, reason: "masked_value" };
  // What agents were shown of this value, sent back with something added: an edit inside a mask.
  if (el.value !== "" && value.includes(maskValue(el.value))) return { ok: false, reason: "masked_value" };
  return undefined;
}

function typeInto(el: Element, value: string): ControlOutcome {
  if (value.length > LIMITS.maxInputValueLength) return { ok: false, reason: "value_too_long" };
  if (el instanceof HTMLInputElement) {
    if (!editableInputTypes.has(el.type) || el.disabled || el.readOnly) return { ok: false, reason: "not_editable" };
    if (el.maxLength >= 0 && value.length > el.maxLength) return { ok: false, reason: "value_too_long" };
    setNativeValue(el, HTMLInputElement.prototype, value);
  } else if (el instanceof HTMLTextAreaElement) {
    if (el.disabled || el.readOnly) return { ok: false, reason: "not_editable" };
    if (el.maxLength >= 0 && value.length > el.maxLength) return { ok: false, reason: "value_too_long" };
    setNativeValue(el, HTMLTextAreaElement.prototype, value);
  } else if (el instanceof HTMLSelectElement) {
    if (el.disabled || ![...el.options].some((o) => o.value === value)) return { ok: false, reason: "not_editable" };
    setNativeValue(el, HTMLSelectElement.prototype, value);
  } else return { ok: false, reason: "not_editable" };
  el.focus({ preventScroll: true });
  el.dispatchEvent(new Event("input", { bubbles: true, composed: true }));
  el.dispatchEvent(new Event("change", { bubbles: true }));
  return { ok: true };
}

// Frameworks that track values (React and others) watch the prototype setter, not the property.
function setNativeValue(el: HTMLElement, proto: object, value: string): void {
  // Reflect.set with `el` as receiver runs the prototype's setter on the element.
  if (typeof Object.getOwnPropertyDescriptor(proto, "value")?.set === "function") Reflect.set(proto, "value", value, el);
}

const allowedKeys: ReadonlySet<string> = new Set(["Enter", "Escape", "Tab", "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Backspace", "Delete", "Home", "End", "PageUp", "PageDown", " "]);

function key(el: Element, name: string): ControlOutcome {
  if (!allowedKeys.has(name)) return { ok: false, reason: "not_editable" };
  const init: KeyboardEventInit = { key: name, bubbles: true, cancelable: true, composed: true };
  const proceed = el.dispatchEvent(new KeyboardEvent("keydown", init));
  el.dispatchEvent(new KeyboardEvent("keyup", init));
  // Synthetic keys do not trigger default actions; Enter in a form field submits as a user's would.
  if (proceed && name === "Enter" && (el instanceof HTMLInputElement) && el.form) el.form.requestSubmit();
  return { ok: true };
}
