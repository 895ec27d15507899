import { grantsPage, type ConsolePage } from "./pages/page.js";
import type { Viewer } from "./viewer.js";

export interface PageMatch {
  readonly page: ConsolePage;
  readonly params: Readonly<Record<string, string>>;
}

/** `/console` and `/console/x/` mean the same page as `/console/` and `/console/x`. */
export function normalizePath(pathname: string): string {
  if (pathname === "/console") return "/console/";
  return pathname.length > "/console/".length && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
}

export function matchPage(pages: readonly ConsolePage[], pathname: string): PageMatch | undefined {
  const path = normalizePath(pathname).split("/");
  for (const page of pages) {
    const pattern = page.path.split("/");
    if (pattern.length !== path.length) continue;
    const params: Record<string, string> = {};
    const matches = pattern.every((segment, i) => {
      const actual = path[i] ?? "";
      if (segment.startsWith(":")) {
        if (!actual) return false;
        params[segment.slice(1)] = decodeURIComponent(actual);
        return true;
      }
      return segment === actual;
    });
    if (matches) return { page, params };
  }
  return undefined;
}

/** Only console paths may be a destination after sign-in (the server applies the same rule). */
export function safeReturnTo(value: string | null | undefined): string {
  return value && /^\/console(\/[A-Za-z0-9/_-]*)?$/.test(value) ? value : "/console/";
}

export type AccessOutcome = { readonly kind: "render" } | { readonly kind: "redirect"; readonly to: string } | { readonly kind: "forbidden" };

/** What to do with a page for this viewer: show it, send them elsewhere, or say it is not allowed. */
export function decideAccess(page: ConsolePage, viewer: Viewer, here: string): AccessOutcome {
  const access = page.access;
  const returnTo = encodeURIComponent(safeReturnTo(here));
  if ("public" in access) return { kind: "render" };
  if (viewer.stage === "signed-out") {
    return "signedOut" in access ? { kind: "render" } : { kind: "redirect", to: `/console/sign-in?returnTo=${returnTo}` };
  }
  if (viewer.stage === "mfa") {
    return "mfaPending" in access ? { kind: "render" } : { kind: "redirect", to: `/console/mfa?returnTo=${returnTo}` };
  }
  if ("signedOut" in access || "mfaPending" in access) return { kind: "redirect", to: "/console/" };
  return grantsPage(access, viewer) ? { kind: "render" } : { kind: "forbidden" };
}
