import { ApiError } from "../api.js";
import { h, replaceChildren, type Child } from "../dom.js";
import { sentenceFor, type ErrorSentence, type FailureFacts } from "./error-sentences.js";

export type NoticeKind = "info" | "success" | "warning" | "error";

/** A message box; errors are announced immediately (role=alert), others politely. */
export function notice(kind: NoticeKind, ...children: Child[]): HTMLElement {
  return h("div", { class: `notice notice-${kind}`, role: kind === "error" ? "alert" : "status" }, ...children);
}

/** A live region a form writes its outcome into; empty until something happens. */
export function statusRegion(): { readonly el: HTMLElement; show(kind: NoticeKind, text: string): void; error(err: unknown, lead?: string): void; clear(): void } {
  const el = h("div", { class: "status-region", "aria-live": "polite" });
  return {
    el,
    show: (kind, text) => replaceChildren(el, notice(kind, text)),
    error: (err, lead) => replaceChildren(el, errorNotice(err, lead)),
    clear: () => replaceChildren(el),
  };
}

/** The sentence and code for anything a page caught: an API failure, a chat refusal, or a console bug. */
export function explainError(err: unknown): ErrorSentence {
  if (err instanceof ApiError) return sentenceFor({ code: err.code, status: err.status, message: err.message, details: err.details });
  if (isFailureFacts(err)) return sentenceFor(err);
  return { code: "console_error", sentence: "Something went wrong in the console. Reload the page and try again." };
}

function isFailureFacts(value: unknown): value is FailureFacts {
  return typeof value === "object" && value !== null && typeof (value as { code?: unknown }).code === "string";
}

/** What to tell a person about a failure, in words (no code; use errorNotice to show the code too). */
export function describeError(err: unknown): string {
  return explainError(err).sentence;
}

/** An error notice: the sentence, optionally after a lead ("The response was not saved."), and the code in small print. */
export function errorNotice(err: unknown, lead?: string): HTMLElement {
  const { sentence, code } = explainError(err);
  return notice("error", h("span", { class: "error-sentence" }, lead ? `${lead} ${sentence}` : sentence), " ", h("small", { class: "error-code" }, `Code: ${code}`));
}

export function errorPanel(err: unknown, retry?: () => void): HTMLElement {
  return h(
    "section",
    { class: "panel" },
    h("h1", { tabindex: "-1" }, "Something went wrong"),
    errorNotice(err),
    retry && h("button", { type: "button", class: "button", on: { click: retry } }, "Try again"),
  );
}
