import type { PresenceVisitor } from "../../../protocol/chat-frames.js";
import { h, replaceChildren, type Child } from "../dom.js";
import { elapsedText } from "./clock-text.js";

// The inbox's right pane: who the agent is talking to, from the live visitor list (memory only on
// the server: nothing here is stored). Current page, the pages of this visit with when each was
// opened, referrer, time on site (moving every second), language, browser and device family,
// chat and co-browse state. The identity row says "Verified: name (customer id)" only when the
// server checked the site's signed token for this visit; anything else is "Not verified".

const chatText: Readonly<Record<PresenceVisitor["chat"], string>> = {
  none: "No chat",
  queued: "Waiting for an agent",
  active: "In a chat",
  ended: "Chat ended",
  offline: "Left an offline message",
  invited: "Invited to chat",
};

const languageNames = new Intl.DisplayNames(["en"], { type: "language" });
const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

export class VisitorContextPane {
  readonly element: HTMLElement;
  readonly #body: HTMLElement;
  readonly #heading: HTMLElement;
  #visitor: PresenceVisitor | undefined;
  #name = "";
  #cobrowseDocked = false;
  #timeOnSite: HTMLElement | undefined;

  constructor(private readonly now: () => number = Date.now) {
    this.#heading = h("h2", { class: "inbox-pane-title" }, "Visitor");
    this.#body = h("div", { class: "inbox-context-body" }, h("p", { class: "hint" }, "Open a conversation to see who you are talking to."));
    this.element = h("section", { class: "inbox-pane inbox-context", "aria-label": "Visitor details", "data-testid": "visitor-context" }, this.#heading, this.#body);
  }

  /** Shows a visit (its presence entry, or undefined when the visitor has left the site). */
  show(name: string, visitor: PresenceVisitor | undefined, cobrowseDocked = this.#cobrowseDocked): void {
    this.#name = name;
    this.#visitor = visitor;
    this.#cobrowseDocked = cobrowseDocked;
    this.#heading.textContent = name || "Visitor";
    if (!name) return replaceChildren(this.#body, h("p", { class: "hint" }, "Open a conversation to see who you are talking to."));
    if (!visitor) return replaceChildren(this.#body, h("p", { class: "hint" }, `${name} is no longer on the site.`), this.#identity());
    this.#timeOnSite = h("dd", { "data-testid": "time-on-site" }, elapsedText(this.now() - visitor.startedAt));
    const pages = visitor.pages ?? [];
    replaceChildren(
      this.#body,
      h(
        "div",
        { class: "inbox-current-page" },
        h("p", { class: "inbox-label" }, "Current page"),
        h("p", { class: "inbox-page-title", "data-testid": "current-page-title" }, visitor.title || "(untitled page)"),
        h("p", { class: "inbox-url", title: visitor.url }, visitor.url),
      ),
      h(
        "dl",
        { class: "inbox-facts" },
        fact("Time on site", this.#timeOnSite),
        fact("Referrer", visitor.referrer ? h("dd", { class: "inbox-url", title: visitor.referrer }, visitor.referrer) : h("dd", {}, "Direct visit")),
        fact("Language", h("dd", {}, ...languageText(visitor.language))),
        fact("Browser", h("dd", {}, visitor.browser ? `${visitor.browser} · ${visitor.device ?? "Desktop"}` : "Unknown")),
        fact("Chat", h("dd", {}, chatText[visitor.chat])),
        fact("Co-browse", h("dd", { "data-testid": "cobrowse-state" }, visitor.cobrowse === "active" ? (this.#cobrowseDocked ? "Sharing with you" : "Sharing the page") : "Not sharing")),
      ),
      this.#identity(),
      h(
        "div",
        { class: "inbox-pages" },
        h("h3", { class: "inbox-label" }, `Pages viewed (${visitor.pagesViewed})`),
        h(
          "ol",
          { class: "inbox-page-list", reversed: true, "aria-label": "Pages viewed, latest first" },
          [...pages].reverse().map((p) => h("li", {}, h("span", { class: "inbox-page-name", title: p.url }, p.title || p.url), h("time", { datetime: new Date(p.at).toISOString() }, clock.format(new Date(p.at))))),
        ),
      ),
    );
  }

  /** The co-browse viewer opened or closed beside the conversation. */
  setCobrowseDocked(docked: boolean): void {
    if (this.#name) this.show(this.#name, this.#visitor, docked);
  }

  /** Moves "time on site" on (called every second). */
  tick(): void {
    if (this.#visitor && this.#timeOnSite) this.#timeOnSite.textContent = elapsedText(this.now() - this.#visitor.startedAt);
  }

  /** The customer the site vouched for (the server checked its signed token), else a plain "not verified". */
  #identity(): HTMLElement {
    const verified = this.#visitor?.verified;
    if (!verified) {
      return h(
        "div",
        { class: "inbox-identity", "data-testid": "identity" },
        h("p", { class: "inbox-label" }, "Identity"),
        h("p", {}, h("span", { class: "badge badge-neutral" }, "Not verified"), " ", h("span", { class: "hint" }, "The site has not identified this visitor.")),
      );
    }
    const attributes = Object.entries(verified.attributes);
    return h(
      "div",
      { class: "inbox-identity", "data-testid": "identity" },
      h("p", { class: "inbox-label" }, "Identity"),
      h("p", { "data-testid": "verified-customer" }, h("span", { class: "badge badge-verified" }, "Verified"), " ", `${verified.name} `, h("span", { class: "nowrap" }, `(customer ${verified.customerId})`)),
      attributes.length > 0 ? h("dl", { class: "inbox-facts" }, ...attributes.flatMap(([name, value]) => fact(name, h("dd", {}, value)))) : h("p", { class: "hint" }, "The site signed this identity for the visit."),
    );
  }
}

function fact(term: string, value: HTMLElement): Child[] {
  return [h("dt", {}, term), value];
}

/** "Swiss High German · de-CH" (the tag never breaks across lines). */
function languageText(tag: string | undefined): Child[] {
  if (!tag) return ["Unknown"];
  let name: string | undefined;
  try {
    name = languageNames.of(tag);
  } catch {
    name = undefined;
  }
  return name && name !== tag ? [`${name} · `, h("span", { class: "nowrap" }, tag)] : [h("span", { class: "nowrap" }, tag)];
}
