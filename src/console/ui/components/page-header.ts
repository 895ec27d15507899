import { h, type Child } from "../dom.js";

/** The heading block of a page; the router focuses the h1 after navigation. */
export function pageHeader(title: string, lead?: Child, actions?: Child): HTMLElement {
  return h(
    "header",
    { class: "page-header" },
    h("div", {}, h("h1", { tabindex: "-1" }, title), lead ? h("p", { class: "lead" }, lead) : null),
    actions ? h("div", { class: "page-actions" }, actions) : null,
  );
}
