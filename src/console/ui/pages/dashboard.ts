import { actionDescriptions, isAction } from "../../../policy/actions.js";
import { formatTime } from "../components/format.js";
import { pageHeader } from "../components/page-header.js";
import { h } from "../dom.js";
import { visibleNavPages } from "../layout.js";
import { definePage } from "./page.js";

/** The landing page after sign-in: who you are and every page your roles open, as cards. */
export const dashboardPage = definePage({
  path: "/console/",
  title: "Dashboard",
  access: { action: "console:use" },
  nav: { label: "Dashboard", section: "overview", order: 0 },
  render: ({ viewer, pages }) => {
    const cards = visibleNavPages(pages, viewer).filter((p) => p.path !== "/console/");
    return h(
      "div",
      { class: "page" },
      pageHeader(`Welcome, ${viewer.agent.name || viewer.agent.subject}`, [
        "Signed in as ",
        h("strong", {}, viewer.roles.join(", ") || "no role"),
        ` since ${formatTime(viewer.session.createdAt)}.`,
      ]),
      cards.length > 0 && h("h2", { class: "section-title", id: "pages-title" }, "Your pages"),
      h(
        "ul",
        { class: "cards", "aria-labelledby": "pages-title" },
        cards.map((p) =>
          h("li", { class: "card" }, h("a", { href: p.path, class: "card-link" }, h("h2", {}, p.nav?.label ?? p.title), p.nav?.description ? h("p", {}, p.nav.description) : null)),
        ),
      ),
      h("h2", { class: "section-title", id: "permissions-title" }, "What your roles allow"),
      h(
        "section",
        { class: "panel", "aria-labelledby": "permissions-title" },
        h("p", { class: "hint" }, "As the policy grants it right now; Airlock checks each action again when you use it."),
        h("ul", { class: "permissions", "data-testid": "permissions" }, viewer.permissions.filter(isAction).map((p) => h("li", {}, h("code", {}, p), " — ", actionDescriptions[p]))),
      ),
    );
  },
});
