import { h, type Child } from "../dom.js";

// Renders validated policy data (plain JSON from GET /api/v1/policy) as nested, readable
// definitions: maps become term/value lists, lists of words become chips, ASVS ids get their own
// chip style. Every value goes in as text.

type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ["string", "number", "boolean"].includes(typeof value);
}

function scalar(value: string | number | boolean | null): Child {
  if (value === null) return h("span", { class: "hint" }, "none");
  if (typeof value === "boolean") return h("span", { class: `pv-bool pv-${String(value)}` }, value ? "yes" : "no");
  if (typeof value === "number") return h("span", { class: "pv-number" }, String(value));
  // Identifiers read best in monospace, sentences (descriptions) do not.
  return h("span", { class: /\s/.test(value) ? "pv-text" : "pv-string" }, value);
}

function chips(values: readonly (string | number | boolean | null)[], asvs: boolean): HTMLElement {
  if (values.length === 0) return h("span", { class: "hint" }, "none");
  return h("ul", { class: `pv-chips${asvs ? " pv-asvs" : ""}` }, values.map((v) => h("li", {}, v === null ? "none" : String(v))));
}

/** The data under one key (or a whole file's content when `key` is omitted). */
export function dataView(value: unknown, key = ""): HTMLElement {
  const json = value as Json;
  if (isScalar(json)) return h("div", {}, scalar(json));
  if (Array.isArray(json)) {
    const items = json as readonly Json[];
    if (items.every(isScalar)) return chips(items, key === "asvs");
    return h("ol", { class: "pv-items" }, items.map((item) => h("li", {}, dataView(item))));
  }
  const entries = Object.entries(json as { readonly [key: string]: Json }).filter(([k]) => k !== "version");
  return h(
    "dl",
    { class: "pv-map" },
    entries.map(([k, v]) => [h("dt", {}, k === "asvs" ? "ASVS" : k), h("dd", {}, isScalar(v) ? scalar(v) : dataView(v, k))]),
  );
}
