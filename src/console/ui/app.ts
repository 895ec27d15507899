import * as z from "zod/mini";
import { ApiError, api, onUnauthenticated } from "./api.js";
import { errorPanel } from "./components/notice.js";
import { h, replaceChildren } from "./dom.js";
import { renderFrame, type Frame } from "./layout.js";
import { forbiddenPage, notFoundPage } from "./pages/fallbacks.js";
import type { ConsolePage, PageContext } from "./pages/page.js";
import { decideAccess, matchPage, normalizePath } from "./routing.js";
import { loadViewer, type Viewer } from "./viewer.js";

const logoutSchema = z.object({ redirect: z.string() });

/** The frame (navigation, user menu) only changes when these do. */
function frameKey(viewer: Viewer): string {
  return viewer.stage === "ready" ? JSON.stringify([viewer.agent.id, viewer.agent.name, viewer.roles, viewer.permissions]) : viewer.stage;
}

/**
 * The console application: resolves the path to a registered page, asks the server who is
 * signed in, keeps the frame (navigation) in step with that, and renders the page into <main>.
 * Navigation uses the History API; links to console paths are handled without a reload.
 */
export class ConsoleApp {
  private viewer: Viewer | undefined;
  private frame: Frame | undefined;
  private frameKey = "";
  private leave = new AbortController();
  private firstRender = true;
  /** Path and query of the page on screen (fragment changes do not re-render). */
  private shown = "";

  constructor(
    private readonly app: HTMLElement,
    private readonly pages: readonly ConsolePage[],
  ) {}

  async start(): Promise<void> {
    window.addEventListener("popstate", () => {
      if (location.pathname + location.search !== this.shown) void this.refreshViewer();
    });
    document.addEventListener("click", (event) => this.interceptLink(event));
    onUnauthenticated((error) => {
      // A session can end at any time (idle timeout, an admin, the IdP): show sign-in.
      if (this.viewer?.stage === "ready" || this.viewer?.stage === "mfa") {
        this.viewer = { stage: "signed-out" };
        this.navigate(`/console/sign-in?ended=${error.code === "account_deactivated" ? "deactivated" : "1"}&returnTo=${encodeURIComponent(normalizePath(location.pathname))}`, true);
      }
    });
    await this.refreshViewer();
  }

  navigate(to: string, replace = false): void {
    const url = new URL(to, location.href);
    if (replace) history.replaceState(null, "", url);
    else history.pushState(null, "", url);
    // Every navigation asks the server again: a session may have ended, or the policy changed.
    void (replace ? this.show() : this.refreshViewer());
  }

  async refreshViewer(goTo?: string): Promise<void> {
    try {
      this.viewer = await loadViewer();
    } catch (err) {
      this.showFatal(err);
      return;
    }
    if (goTo) history.pushState(null, "", new URL(goTo, location.href));
    await this.show();
  }

  private async show(): Promise<void> {
    const viewer = this.viewer;
    if (!viewer) return;
    this.leave.abort();
    const leave = (this.leave = new AbortController());
    const here = normalizePath(location.pathname);
    this.shown = location.pathname + location.search;
    const match = matchPage(this.pages, here);
    const outcome = match ? decideAccess(match.page, viewer, here) : ({ kind: "render" } as const);
    if (outcome.kind === "redirect") {
      this.navigate(outcome.to, true);
      return;
    }
    const frame = this.ensureFrame(viewer);
    frame.setCurrent(match?.page.path ?? "");
    const page = !match ? notFoundPage : outcome.kind === "forbidden" ? forbiddenPage : match.page;
    document.title = `${page.title} · Airlock`;
    const ctx: PageContext = {
      viewer,
      params: match?.params ?? {},
      query: new URLSearchParams(location.search),
      pages: this.pages,
      signal: leave.signal,
      navigate: (to) => this.navigate(to),
      refreshViewer: (goTo) => this.refreshViewer(goTo),
      signOut: () => this.signOut(),
    };
    frame.main.setAttribute("aria-busy", "true");
    let content: Node;
    try {
      content = await page.render(ctx);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return; // onUnauthenticated takes over
      content = errorPanel(err, () => void this.show());
    }
    if (leave.signal.aborted) return;
    replaceChildren(frame.main, content);
    frame.main.removeAttribute("aria-busy");
    this.app.classList.remove("app-loading");
    this.app.removeAttribute("aria-busy");
    // Move focus to the new page's heading so keyboard and screen-reader users know it changed.
    if (!this.firstRender) (frame.main.querySelector<HTMLElement>("h1[tabindex]") ?? frame.main).focus();
    this.firstRender = false;
  }

  private ensureFrame(viewer: Viewer): Frame {
    const key = frameKey(viewer);
    if (this.frame && this.frameKey === key) return this.frame;
    this.frame?.close();
    this.frame = renderFrame(this.app, this.pages, viewer, () => void this.signOut(), (to) => this.navigate(to));
    this.frameKey = key;
    return this.frame;
  }

  private async signOut(): Promise<void> {
    try {
      const { redirect } = await api.post("/auth/logout", {}, logoutSchema);
      location.assign(redirect);
    } catch (err) {
      if (this.frame) replaceChildren(this.frame.main, errorPanel(err, () => void this.signOut()));
    }
  }

  private interceptLink(event: MouseEvent): void {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = (event.target as Element | null)?.closest?.("a[href]");
    if (!(link instanceof HTMLAnchorElement) || link.target || link.hasAttribute("download")) return;
    const url = new URL(link.href);
    if (url.origin !== location.origin || !url.pathname.startsWith("/console/") || url.pathname.startsWith("/console/assets/")) return;
    if (url.hash && url.pathname === location.pathname) {
      // In-page anchors (the skip link): move focus there without a history entry.
      const target = document.getElementById(decodeURIComponent(url.hash.slice(1)));
      if (target) {
        event.preventDefault();
        target.focus();
      }
      return;
    }
    event.preventDefault();
    this.navigate(url.pathname + url.search);
  }

  private showFatal(err: unknown): void {
    this.app.classList.remove("app-loading");
    this.app.removeAttribute("aria-busy");
    replaceChildren(this.app, h("main", { id: "main", class: "fatal" }, errorPanel(err, () => void this.refreshViewer())));
  }
}
