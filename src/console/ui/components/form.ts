import { h, type Child } from "../dom.js";

// Labelled form fields laid out the same way on every page: the label above its control, an
// optional hint below the label (tied to the control with aria-describedby), full-width controls.

let fieldCount = 0;

export type Control = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

/** A field: label, optional hint, control. The control gets an id if it has none. */
export function field(label: string, control: Control, hint?: Child, options: { narrow?: boolean } = {}): HTMLElement {
  if (!control.id) control.id = `field-${++fieldCount}`;
  const hintId = `${control.id}-hint`;
  if (hint) control.setAttribute("aria-describedby", hintId);
  return h("div", { class: options.narrow ? "field field-narrow" : "field" }, h("label", { for: control.id }, label), hint ? h("p", { id: hintId, class: "hint field-hint" }, hint) : null, control);
}

/** A styled <select> with these options (value, label); `value` is preselected. */
export function select(name: string, options: readonly (readonly [string, string])[], value = ""): HTMLSelectElement {
  const el = h("select", { name }, options.map(([v, label]) => h("option", { value: v }, label)));
  el.value = value;
  return el;
}
