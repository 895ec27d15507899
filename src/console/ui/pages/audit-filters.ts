import { h } from "../dom.js";
import type { AuditFilters } from "./audit-api.js";

const fields = [
  { name: "actor", label: "Actor", placeholder: "agent:…  or  system", type: "text" },
  { name: "action", label: "Action", placeholder: "chatlog:read  or  auth.*", type: "text" },
  { name: "target", label: "Target", placeholder: "conversation:*", type: "text" },
  { name: "from", label: "From", placeholder: "", type: "datetime-local" },
  { name: "to", label: "Until", placeholder: "", type: "datetime-local" },
] as const;

/**
 * The filter form. Applying it navigates to the same page with the filters in the URL, so a
 * filtered view can be reloaded, bookmarked and shared.
 */
export function filterForm(current: AuditFilters, apply: (filters: AuditFilters) => void): HTMLFormElement {
  const inputs = new Map<keyof AuditFilters, HTMLInputElement>();
  const cells = fields.map((f) => {
    const id = `audit-filter-${f.name}`;
    const input = h("input", { id, name: f.name, type: f.type, value: current[f.name], spellcheck: "false", autocomplete: "off", ...(f.placeholder ? { placeholder: f.placeholder } : {}) });
    inputs.set(f.name, input);
    return h("div", { class: "field" }, h("label", { for: id }, f.label), input);
  });
  const read = (): AuditFilters => {
    const v = (name: keyof AuditFilters) => inputs.get(name)?.value.trim() ?? "";
    return { actor: v("actor"), action: v("action"), target: v("target"), from: v("from"), to: v("to") };
  };
  const clear = h("button", { type: "button", class: "button secondary" }, "Clear");
  clear.addEventListener("click", () => apply({ actor: "", action: "", target: "", from: "", to: "" }));
  const form = h(
    "form",
    { class: "filters", role: "search", "aria-label": "Filter audit entries" },
    h("div", { class: "filter-fields" }, cells),
    h("p", { class: "hint" }, "Actor, action and target match exactly; end a value with * to match everything that starts with it. Times are your local time."),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "button primary" }, "Apply filters"), clear),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply(read());
  });
  return form;
}
