import { h } from "../dom.js";

// The three panes side by side on a wide window; on a narrow one (CSS decides where) one pane at
// a time, picked with a switcher above them. The switcher only says which pane shows: all three
// stay in the page, so a chat keeps running while the agent looks at the visitor.

export type InboxView = "list" | "conversation" | "context";

const labels: readonly [InboxView, string][] = [
  ["list", "Conversations"],
  ["conversation", "Conversation"],
  ["context", "Visitor"],
];

export class InboxViews {
  readonly switcher: HTMLElement;
  readonly #buttons = new Map<InboxView, HTMLButtonElement>();
  #workspace: HTMLElement | undefined;
  #side: HTMLElement | undefined;

  constructor() {
    this.switcher = h("div", { class: "inbox-switcher", role: "group", "aria-label": "Show pane" });
    for (const [view, label] of labels) {
      const button = h("button", { type: "button", "data-view": view, "aria-pressed": String(view === "list"), on: { click: () => this.show(view) } }, label);
      this.#buttons.set(view, button);
      this.switcher.append(button);
    }
  }

  /** The grid of the three panes (list, conversation, visitor context or the docked viewer). */
  wrap(list: HTMLElement, conversation: HTMLElement, side: HTMLElement): HTMLElement {
    this.#side = h("div", { class: "inbox-side" }, side);
    this.#workspace = h("div", { class: "inbox", "data-view": "list", "data-docked": "false" }, list, conversation, this.#side);
    return this.#workspace;
  }

  /** Puts the co-browse viewer (or, when it closes, the visitor's context back) in the third column. */
  setSide(side: HTMLElement, docked: boolean): void {
    this.#side?.replaceChildren(side);
    if (this.#workspace) this.#workspace.dataset.docked = String(docked);
    const button = this.#buttons.get("context");
    if (button) button.textContent = docked ? "Co-browse" : "Visitor";
  }

  /** Which pane a narrow window shows (a wide one shows all three anyway). */
  show(view: InboxView): void {
    if (this.#workspace) this.#workspace.dataset.view = view;
    for (const [v, b] of this.#buttons) b.setAttribute("aria-pressed", String(v === view));
  }
}
