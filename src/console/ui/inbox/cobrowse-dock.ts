import type { ServerToAgent } from "../../../protocol/server-messages.js";
import { errorNotice } from "../components/notice.js";
import { openViewerSession } from "../components/viewer-session.js";
import { h } from "../dom.js";

// The co-browse viewer docked beside the conversation, or over the whole window (Esc returns).
// The chat keeps running beside it. Closing the dock leaves the session (the visitor is told);
// the viewer itself — page copy, zoom, the agent's session buttons — is src/console/viewer.

export interface DockOptions {
  readonly room: string;
  readonly visitorName: string;
  /** Something the conversation should show ("Co-browse started", "Co-browse ended"). */
  readonly onEvent: (text: string) => void;
  /** The dock was closed (after leaving the session). */
  readonly onClose: () => void;
}

export class CobrowseDock {
  readonly element: HTMLElement;
  readonly #abort = new AbortController();
  readonly #full: HTMLButtonElement;
  readonly #leave: () => void;
  #started = false;
  #ended = false;
  readonly #onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && this.fullScreen) this.setFullScreen(false);
  };

  constructor(readonly o: DockOptions) {
    const { view, opened } = openViewerSession(o.room, this.#abort.signal, (m) => this.#seen(m));
    this.#leave = () => view.leave();
    // Docked, the viewer starts fitted to its column; 100 % and zoom are one click away.
    view.setZoom("width");
    this.#full = h("button", { type: "button", class: "button secondary small", "aria-pressed": "false", on: { click: () => this.setFullScreen(!this.fullScreen) } }, "Full screen");
    const close = h("button", { type: "button", class: "button secondary small", on: { click: () => this.close() } }, "Close viewer");
    const problem = h("div", {});
    opened.catch((err: unknown) => problem.replaceChildren(errorNotice(err, "The co-browse session could not be opened.")));
    this.element = h(
      "section",
      { class: "inbox-pane inbox-dock", "aria-label": `Co-browse with ${o.visitorName}`, "data-fullscreen": "false" },
      h("header", { class: "inbox-dock-head" }, h("h2", { class: "inbox-pane-title" }, `Co-browse · ${o.visitorName}`), h("span", { class: "inbox-dock-actions" }, this.#full, close)),
      problem,
      h("div", { class: "inbox-dock-viewer" }, view.element),
    );
    document.addEventListener("keydown", this.#onKey);
  }

  get fullScreen(): boolean {
    return this.element.dataset.fullscreen === "true";
  }

  /** Over the whole window (the conversation stays underneath, still connected), or back in its column. */
  setFullScreen(on: boolean): void {
    this.element.dataset.fullscreen = String(on);
    this.#full.setAttribute("aria-pressed", String(on));
    this.#full.textContent = on ? "Exit full screen" : "Full screen";
    this.#full.focus();
  }

  /** Leaves the session (when still in it) and closes the viewer. */
  close(): void {
    if (!this.#ended) this.#leave();
    this.#finish();
    document.removeEventListener("keydown", this.#onKey);
    this.#abort.abort();
    this.o.onClose();
  }

  #seen(m: ServerToAgent): void {
    if (m.kind !== "state") return;
    if (m.state === "ended") return this.#finish();
    if (!this.#started && (m.admitted ?? m.state === "active")) {
      this.#started = true;
      this.o.onEvent("Co-browse started");
    }
  }

  #finish(): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#started) this.o.onEvent("Co-browse ended");
  }
}
