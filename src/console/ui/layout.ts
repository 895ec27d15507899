import { availabilityControl } from "./chat/availability-control.js";
import { offerBadge } from "./chat/offer-badge.js";
import { h, replaceChildren } from "./dom.js";
import { grantsPage, navSections, type ConsolePage } from "./pages/page.js";
import type { ReadyViewer, Viewer } from "./viewer.js";

// The frame around every page: a skip link, the top bar with who is signed in and "Sign out",
// the navigation built from the registered pages the viewer may open, and the main region.
// Signed-out and pre-MFA pages get a narrow centred frame without navigation.

export interface Frame {
  readonly root: HTMLElement;
  readonly main: HTMLElement;
  /** Marks the current page in the navigation. */
  setCurrent(path: string): void;
  /** Closes what the frame keeps open (the availability control's connection). */
  close(): void;
}

const sectionIndex = (page: ConsolePage) => navSections.findIndex((s) => s.id === page.nav?.section);

/** Pages with a navigation entry that the viewer's permissions open, in navigation order. */
export function visibleNavPages(pages: readonly ConsolePage[], viewer: ReadyViewer): ConsolePage[] {
  return pages
    .filter((p) => p.nav && grantsPage(p.access, viewer))
    .sort((a, b) => sectionIndex(a) - sectionIndex(b) || (a.nav?.order ?? 0) - (b.nav?.order ?? 0));
}

function brand(): HTMLElement {
  return h("a", { class: "brand", href: "/console/" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "A"), h("span", { class: "brand-name" }, "Airlock"));
}

function navigation(pages: readonly ConsolePage[], viewer: ReadyViewer): { nav: HTMLElement; links: HTMLAnchorElement[] } {
  const visible = visibleNavPages(pages, viewer);
  const links: HTMLAnchorElement[] = [];
  const nav = h("nav", { class: "sidenav", "aria-label": "Console" });
  for (const section of navSections) {
    const entries = visible.filter((p) => p.nav?.section === section.id);
    if (entries.length === 0) continue;
    const headingId = `nav-${section.id}`;
    const list = h("ul", { "aria-labelledby": headingId });
    for (const page of entries) {
      const link = h("a", { href: page.path, "data-path": page.path }, page.nav?.label ?? page.title);
      links.push(link);
      list.append(h("li", {}, link));
    }
    nav.append(h("h2", { id: headingId, class: "nav-heading" }, section.label), list);
  }
  return { nav, links };
}

function userMenu(viewer: ReadyViewer, onSignOut: () => void, signal: AbortSignal, navigate: (to: string) => void): HTMLElement {
  // Agents who handle chats say whether they are available, and see chats offered to them, on every page.
  const offers = viewer.can("chat:handle") ? offerBadge(signal, (site) => {
    if (location.pathname !== "/console/chats") navigate(`/console/chats?site=${encodeURIComponent(site)}`);
  }) : undefined;
  return h(
    "div",
    { class: "user" },
    offers?.el,
    offers ? availabilityControl(signal, (f, send) => offers.frame(f, send)) : null,
    h("a", { class: "user-name", href: "/console/account", title: "My account" }, viewer.agent.name || viewer.agent.subject),
    h("span", { class: "user-roles" }, viewer.roles.map((r) => h("span", { class: "badge" }, r))),
    h("button", { type: "button", class: "button secondary small", on: { click: onSignOut } }, "Sign out"),
  );
}

export function renderFrame(app: HTMLElement, pages: readonly ConsolePage[], viewer: Viewer, onSignOut: () => void, navigate: (to: string) => void = (to) => location.assign(to)): Frame {
  const main = h("main", { id: "main", tabindex: "-1" });
  const skip = h("a", { class: "skip-link", href: "#main" }, "Skip to content");
  if (viewer.stage !== "ready") {
    const root = h("div", { class: "frame frame-narrow" }, skip, h("header", { class: "narrow-header" }, brand()), main);
    replaceChildren(app, root);
    return { root, main, setCurrent: () => undefined, close: () => undefined };
  }
  const { nav, links } = navigation(pages, viewer);
  const open = new AbortController();
  const root = h(
    "div",
    { class: "frame frame-console" },
    skip,
    h("header", { class: "topbar" }, brand(), userMenu(viewer, onSignOut, open.signal, navigate)),
    h("div", { class: "body" }, nav, main),
  );
  replaceChildren(app, root);
  return {
    root,
    main,
    close: () => open.abort(),
    setCurrent(path) {
      for (const link of links) {
        if (link.dataset.path === path) link.setAttribute("aria-current", "page");
        else link.removeAttribute("aria-current");
      }
    },
  };
}
