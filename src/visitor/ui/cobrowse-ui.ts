import type { CobrowseMode } from "../../protocol/fields.js";
import { guard } from "../safe.js";
import { cobrowseStrings, roleKey, type CobrowseKey } from "./cobrowse-strings.js";
import { cobrowseCss } from "./cobrowse-styles.js";
import { ConsentGuard } from "./consent-guard.js";
import { h, type UiHost } from "./host.js";
import { translator } from "./i18n.js";

// What the visitor sees of co-browsing: a consent prompt per question (naming the agent and
// their role), a persistent bar listing who watches now (each removable; Stop ends it for all;
// "take back control" in control mode) plus a frame around the viewport while agents watch, and
// the agent's highlight marker. All keyboard-reachable and labelled for screen readers; the live
// region announces changes. The prompt sits at the top of the window, away from the chat box, and
// never takes focus from a field the visitor is typing in (consent-guard.ts judges every press).

export interface SessionHandlers {
  readonly onStop: () => void;
  readonly onTakeBack: () => void;
  readonly onRemove: (watcher: string) => void;
  /** The visitor clears the agents' drawings (the button shows while there are some). */
  readonly onClearGuides?: () => void;
}

/** An agent as the bar names them. */
export interface WatcherView {
  readonly id: string;
  readonly displayName: string;
  readonly role: string;
  readonly controlling: boolean;
}

/** Who a question is for: the agent by name and role; `additional` when others already watch. */
export interface Asker {
  readonly displayName: string;
  readonly role: string;
  readonly additional: boolean;
}

let dialogCounter = 0;

export class CobrowseUi {
  readonly #layer: HTMLDivElement;
  readonly #live: HTMLDivElement;
  readonly #t: (key: CobrowseKey, vars?: Readonly<Record<string, string>>) => string;
  #dialog: { el: HTMLElement; settle: (answer: boolean | undefined) => void } | undefined;
  #watching: readonly WatcherView[] = [];
  #bar: HTMLElement | undefined;
  #frame: HTMLElement | undefined;
  #markTimer: ReturnType<typeof setTimeout> | undefined;
  /** The agents' drawings or an outline are on the page: the bar offers to clear them. */
  #guides = false;
  #lastSession: Parameters<CobrowseUi["showSession"]> | undefined;

  constructor(private readonly host: UiHost) {
    host.addStyles(cobrowseCss);
    this.#t = translator(cobrowseStrings, host.lang);
    this.#live = h("div", { class: "al-sr", role: "status", "aria-live": "polite" });
    this.#layer = h("div", { class: "al-layer", lang: host.lang }, this.#live);
    host.root.append(this.#layer);
  }

  /**
   * Asks the visitor one question; resolves true or false with the answer, or undefined when the
   * question was withdrawn (the agent left, another prompt replaced it) — never a "no" by default.
   */
  askConsent(mode: CobrowseMode, asker: Asker): Promise<boolean | undefined> {
    this.closeDialog();
    return new Promise((resolve) => {
      const n = ++dialogCounter;
      const vars = { agent: asker.displayName, role: this.#t(roleKey(asker.role)) };
      const kind = mode === "control" ? "control" : asker.additional ? "watch" : "view";
      const title = h("h2", { id: `al-t${n}` }, this.#t(`${kind}Title`, vars));
      const text = h("p", { id: `al-d${n}` }, this.#t(`${kind}Text`, vars));
      const yesText = this.#t(kind === "control" ? "allowControl" : kind === "watch" ? "allowWatcher" : "allow", vars);
      const yes = h("button", { type: "button", class: "al-btn al-primary", "data-airlock-action": "allow", "aria-disabled": "true" }, yesText);
      const no = h("button", { type: "button", class: "al-btn", "data-airlock-action": "decline", "aria-disabled": "true" }, this.#t("decline"));
      const el = h("div", { class: "al-dialog", role: "dialog", "aria-modal": "false", tabindex: "-1", "aria-labelledby": title.id, "aria-describedby": text.id },
        title, text, h("div", { class: "al-actions" }, no, yes));
      const previous = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
      const consentGuard = new ConsentGuard();
      const armTimer = setTimeout(guard(() => {
        consentGuard.arm();
        yes.removeAttribute("aria-disabled");
        no.removeAttribute("aria-disabled");
      }), consentGuard.guardMs);
      const settle = (answer: boolean | undefined) => {
        if (this.#dialog?.el !== el) return;
        this.#dialog = undefined;
        clearTimeout(armTimer);
        const hadFocus = this.host.root.activeElement !== null && el.contains(this.host.root.activeElement);
        el.remove();
        // Focus goes back only if it was on the prompt: a field the visitor types in keeps it.
        if (hadFocus && previous?.isConnected) previous.focus({ preventScroll: true });
        resolve(answer);
      };
      for (const [button, answer] of [[yes, true], [no, false]] as const) {
        consentGuard.watch(button);
        button.addEventListener("click", guard((e: MouseEvent) => {
          if (consentGuard.accepts(button, e)) settle(answer);
        }));
      }
      el.addEventListener("keydown", guard((e: KeyboardEvent) => {
        if (e.key === "Escape" && consentGuard.acceptsKey(e)) settle(false);
      }));
      this.#dialog = { el, settle };
      this.#layer.append(el);
      this.announce(title.textContent ?? "");
      // Never take focus from what the visitor is doing: only when nothing has focus does the
      // prompt itself (not one of its buttons) take it, so screen readers land on the question.
      if (!previous || previous === document.body || previous === document.documentElement) el.focus({ preventScroll: true });
    });
  }

  /** Takes the open prompt away unanswered (the question was withdrawn). */
  closeDialog(): void {
    this.#dialog?.settle(undefined);
  }

  /**
   * Shows (or updates) the bar and frame that say who is watching now, live: each watcher named
   * with their role, each removable when there are several; Stop ends sharing for everyone.
   */
  showSession(mode: CobrowseMode, watchers: readonly WatcherView[], handlers: SessionHandlers): void {
    this.#lastSession = [mode, watchers, handlers];
    const controlling = mode === "control";
    const controller = watchers.find((w) => w.controlling) ?? watchers[0];
    const label =
      controlling && controller
        ? this.#t("controlling", { agent: controller.displayName })
        : watchers.length === 1 && watchers[0]
          ? this.#t("viewing", { agent: watchers[0].displayName })
          : this.#t("severalWatching", { count: String(watchers.length) });
    const list = h("ul", { class: "al-watchers", "aria-label": this.#t("watchersLabel") });
    for (const w of watchers) {
      const item = h("li", { class: "al-watcher", "data-watcher": w.id }, h("span", { class: "al-name" }, w.displayName), h("span", { class: "al-role" }, this.#t(roleKey(w.role))));
      if (watchers.length > 1) {
        const remove = h("button", { type: "button", class: "al-btn al-remove", "data-airlock-action": "remove", "aria-label": this.#t("removeLabel", { agent: w.displayName }) }, this.#t("remove"));
        remove.addEventListener("click", guard(() => handlers.onRemove(w.id)));
        item.append(remove);
      }
      list.append(item);
    }
    const stop = h("button", { type: "button", class: "al-btn al-stop", "data-airlock-action": "stop" }, this.#t("stop"));
    stop.addEventListener("click", guard(() => handlers.onStop()));
    const items: Node[] = [h("span", { class: "al-dot", "aria-hidden": "true" }), h("span", { class: "al-label" }, label), list];
    if (controlling) {
      const back = h("button", { type: "button", class: "al-btn", "data-airlock-action": "take-back" }, this.#t("takeBack"));
      back.addEventListener("click", guard(() => handlers.onTakeBack()));
      items.push(back);
    }
    if (this.#guides && handlers.onClearGuides) {
      const onClear = handlers.onClearGuides;
      const clear = h("button", { type: "button", class: "al-btn", "data-airlock-action": "clear-guides" }, this.#t("clearGuides"));
      clear.addEventListener("click", guard(() => onClear()));
      items.push(clear);
    }
    items.push(stop);
    const bar = h("div", { class: `al-bar${controlling ? " al-control" : ""}`, role: "region", "aria-label": this.#t("barLabel"), tabindex: "-1" }, ...items);
    const frame = h("div", { class: `al-frame${controlling ? " al-control" : ""}`, "aria-hidden": "true" });
    const changed = this.#bar?.querySelector(".al-label")?.textContent !== label;
    // Keep keyboard focus on the same control when the bar is rebuilt.
    const focused = this.host.root.activeElement;
    const focusKey = focused && this.#bar?.contains(focused) ? focused.getAttribute("data-airlock-action") : null;
    this.#bar?.remove();
    this.#frame?.remove();
    this.#bar = bar;
    this.#frame = frame;
    this.#layer.append(frame, bar);
    if (focusKey) bar.querySelector<HTMLElement>(`[data-airlock-action="${focusKey}"]`)?.focus({ preventScroll: true });
    const news = this.#watcherNews(watchers);
    if (news) this.announce(news);
    else if (changed) this.announce(label);
  }

  /** "Sam Supervisor (supervisor) is now watching this page" / "Alex Agent stopped watching". */
  #watcherNews(watchers: readonly WatcherView[]): string | undefined {
    const before = this.#watching;
    this.#watching = watchers;
    if (before.length === 0) return undefined;
    const said: string[] = [];
    for (const w of watchers) if (!before.some((b) => b.id === w.id)) said.push(this.#t("watcherJoined", { agent: w.displayName, role: this.#t(roleKey(w.role)) }));
    for (const b of before) if (!watchers.some((w) => w.id === b.id)) said.push(this.#t("watcherLeft", { agent: b.displayName }));
    return said.length > 0 ? said.join(". ") : undefined;
  }

  /**
   * The agents' drawings appeared (the bar offers "Clear drawings" and says once who draws) or
   * went (`cleared` by the visitor: said so, and focus stays in the bar).
   */
  guidesShown(present: boolean, agent: string, cleared = false): void {
    if (this.#guides === present) return;
    this.#guides = present;
    const focused = this.host.root.activeElement;
    const hadFocus = focused?.getAttribute("data-airlock-action") === "clear-guides";
    if (this.#lastSession && this.#bar) this.showSession(...this.#lastSession);
    if (present) this.announce(this.#t("guiding", { agent }));
    else if (cleared) this.announce(this.#t("guidesCleared"));
    if (hadFocus && !present) this.#bar?.focus({ preventScroll: true });
  }

  /** The words on an outlined element. */
  outlineLabel(agent: string): string {
    return this.#t("outlined", { agent });
  }

  hideSession(ended: boolean): void {
    this.#guides = false;
    this.#lastSession = undefined;
    const had = this.#bar !== undefined;
    this.#bar?.remove();
    this.#frame?.remove();
    this.#bar = undefined;
    this.#frame = undefined;
    this.#watching = [];
    // A pause (nobody watching yet) keeps an open question; only the end of the session takes it away.
    if (ended) this.closeDialog();
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
