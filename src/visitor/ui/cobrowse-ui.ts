import type { CobrowseMode } from "../../protocol/fields.js";
import { guard } from "../safe.js";
import { cobrowseStrings, type CobrowseKey } from "./cobrowse-strings.js";
import { cobrowseCss } from "./cobrowse-styles.js";
import { h, type UiHost } from "./host.js";
import { translator } from "./i18n.js";

// What the visitor sees of co-browsing: a consent prompt per mode, a persistent bar (with Stop,
// and "take back control" in control mode) plus a frame around the viewport while an agent
// watches, and the agent's highlight marker. All keyboard-reachable and labelled for screen
// readers; the live region announces changes.

export interface SessionHandlers {
  readonly onStop: () => void;
  readonly onTakeBack: () => void;
}

let dialogCounter = 0;

export class CobrowseUi {
  readonly #layer: HTMLDivElement;
  readonly #live: HTMLDivElement;
  readonly #t: (key: CobrowseKey, vars?: Readonly<Record<string, string>>) => string;
  #dialog: { el: HTMLElement; settle: (answer: boolean) => void } | undefined;
  #bar: HTMLElement | undefined;
  #frame: HTMLElement | undefined;
  #markTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly host: UiHost) {
    host.addStyles(cobrowseCss);
    this.#t = translator(cobrowseStrings, host.lang);
    this.#live = h("div", { class: "al-sr", role: "status", "aria-live": "polite" });
    this.#layer = h("div", { class: "al-layer", lang: host.lang }, this.#live);
    host.root.append(this.#layer);
  }

  /** Asks the visitor for a mode; resolves false when declined or replaced by another prompt. */
  askConsent(mode: CobrowseMode, agent: string): Promise<boolean> {
    this.closeDialog(false);
    return new Promise((resolve) => {
      const n = ++dialogCounter;
      const title = h("h2", { id: `al-t${n}` }, this.#t(mode === "view" ? "viewTitle" : "controlTitle", { agent }));
      const text = h("p", { id: `al-d${n}` }, this.#t(mode === "view" ? "viewText" : "controlText", { agent }));
      const yes = h("button", { type: "button", class: "al-btn al-primary", "data-airlock-action": "allow" }, this.#t(mode === "view" ? "allow" : "allowControl"));
      const no = h("button", { type: "button", class: "al-btn", "data-airlock-action": "decline" }, this.#t("decline"));
      const el = h("div", { class: "al-dialog", role: "dialog", "aria-modal": "false", "aria-labelledby": title.id, "aria-describedby": text.id },
        title, text, h("div", { class: "al-actions" }, no, yes));
      const previous = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
      const settle = (answer: boolean) => {
        if (this.#dialog?.el !== el) return;
        this.#dialog = undefined;
        el.remove();
        if (previous?.isConnected) previous.focus({ preventScroll: true });
        resolve(answer);
      };
      yes.addEventListener("click", guard(() => settle(true)));
      no.addEventListener("click", guard(() => settle(false)));
      el.addEventListener("keydown", guard((e: KeyboardEvent) => {
        if (e.key === "Escape") settle(false);
      }));
      this.#dialog = { el, settle };
      this.#layer.append(el);
      yes.focus({ preventScroll: true });
    });
  }

  closeDialog(answer = false): void {
    this.#dialog?.settle(answer);
  }

  /** Shows (or updates) the bar and frame that say an agent is watching or in control. */
  showSession(mode: CobrowseMode, agent: string, handlers: SessionHandlers): void {
    const controlling = mode === "control";
    const label = this.#t(controlling ? "controlling" : "viewing", { agent });
    const stop = h("button", { type: "button", class: "al-btn al-stop", "data-airlock-action": "stop" }, this.#t("stop"));
    stop.addEventListener("click", guard(() => handlers.onStop()));
    const items: Node[] = [h("span", { class: "al-dot", "aria-hidden": "true" }), h("span", { class: "al-label" }, label)];
    if (controlling) {
      const back = h("button", { type: "button", class: "al-btn", "data-airlock-action": "take-back" }, this.#t("takeBack"));
      back.addEventListener("click", guard(() => handlers.onTakeBack()));
      items.push(back);
    }
    items.push(stop);
    const bar = h("div", { class: `al-bar${controlling ? " al-control" : ""}`, role: "region", "aria-label": this.#t("barLabel") }, ...items);
    const frame = h("div", { class: `al-frame${controlling ? " al-control" : ""}`, "aria-hidden": "true" });
    const changed = this.#bar?.querySelector(".al-label")?.textContent !== label;
    this.#bar?.remove();
    this.#frame?.remove();
    this.#bar = bar;
    this.#frame = frame;
    this.#layer.append(frame, bar);
    if (changed) this.announce(label);
  }

  hideSession(ended: boolean): void {
    const had = this.#bar !== undefined;
    this.#bar?.remove();
    this.#frame?.remove();
    this.#bar = undefined;
    this.#frame = undefined;
    this.closeDialog(false);
    if (had && ended) this.announce(this.#t("ended"));
  }

  /** The agent's pointer: a pulsing ring at document coordinates (x, y) for a few seconds. */
  highlight(x: number, y: number, agent: string): void {
    this.#layer.querySelector(".al-mark")?.remove();
    if (this.#markTimer !== undefined) clearTimeout(this.#markTimer);
    const mark = h("div", { class: "al-mark", "aria-hidden": "true" }, h("span", { class: "al-mark-label" }, this.#t("highlight", { agent })));
    // CSSOM writes are allowed under a style-src without 'unsafe-inline' (style attributes are not).
    mark.style.left = `${Math.round(x - window.scrollX)}px`;
    mark.style.top = `${Math.round(y - window.scrollY)}px`;
    this.#layer.append(mark);
    this.#markTimer = setTimeout(guard(() => mark.remove()), 4000);
  }

  private announce(text: string): void {
    this.#live.textContent = text;
  }
}
