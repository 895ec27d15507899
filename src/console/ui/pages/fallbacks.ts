import { pageHeader } from "../components/page-header.js";
import { h } from "../dom.js";
import { definePage } from "./page.js";

// Shown by the router, not registered: an unknown console path, or a page the viewer's
// permissions do not include (the navigation never links there; a typed URL can).

export const notFoundPage = definePage({
  path: "",
  title: "Page not found",
  access: { public: true },
  render: () =>
    h("section", { class: "panel" }, pageHeader("Page not found", "There is no console page at this address."), h("p", {}, h("a", { href: "/console/" }, "Go to the dashboard"))),
});

export const forbiddenPage = definePage({
  path: "",
  title: "Not allowed",
  access: { public: true },
  render: () =>
    h(
      "section",
      { class: "panel" },
      pageHeader("Not allowed", "Your roles do not include this page. If you need it, ask an Airlock administrator."),
      h("p", {}, h("a", { href: "/console/" }, "Go to the dashboard")),
    ),
});
