import { ApiError } from "../api.js";
import { h, replaceChildren, type Child } from "../dom.js";

export type NoticeKind = "info" | "success" | "warning" | "error";

/** A message box; errors are announced immediately (role=alert), others politely. */
export function notice(kind: NoticeKind, ...children: Child[]): HTMLElement {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

/** A live region a form writes its outcome into; empty until something happens. */
export function statusRegion(): { readonly el: HTMLElement; show(kind: NoticeKind, text: string): void; clear(): void } {
  const el = h("div", { class: "status-region", "aria-live": "polite" });
  return {
    el,
    show: (kind, text) => replaceChildren(el, notice(kind, text)),
    clear: () => replaceChildren(el),
  };
}

/** What to tell a person about a failed request, in words (the code stays for support). */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return "Something went wrong in the console. Reload the page and try again.";
  const reason = typeof err.details.reason === "string" ? err.details.reason : "";
  if (reason === "mfa_locked") {
    const seconds = Number(err.details.retryAfterSeconds);
    const wait = Number.isFinite(seconds) && seconds > 0 ? (seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`) : "a while";
    return `Too many wrong codes. Your second factor is locked; try again in ${wait}.`;
  }
  if (err.code === "forbidden") return "You are not allowed to do this.";
  if (err.status >= 500) return `Airlock could not complete the request (${err.code}). Try again in a moment.`;
  return err.message.charAt(0).toUpperCase() + err.message.slice(1) + (err.message.endsWith(".") ? "" : ".");
}

export function errorPanel(err: unknown, retry?: () => void): HTMLElement {
  return h(
    "section",
    { class: "panel" },
    h("h1", { tabindex: "-1" }, "Something went wrong"),
    notice("error", describeError(err)),
    retry && h("button", { type: "button", class: "button", on: { click: retry } }, "Try again"),
  );
}
