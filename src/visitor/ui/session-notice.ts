import { END_REASONS } from "../../protocol/error-codes.js";
import { guard } from "../safe.js";
import { endingStrings, type EndingKey } from "./ending-strings.js";
import { h, type UiHost } from "./host.js";
import { translator } from "./i18n.js";

// A short notice at the top of the page: why screen sharing ended, or a countdown before the
// session reaches its time limit. It never takes focus (the visitor may be typing) and never
// covers the bottom of the page, where the chat and the prompts are.

const css = `
.al-notice { pointer-events: auto; position: fixed; top: 14px; left: 50%; transform: translateX(-50%); z-index: 2147483646;
  display: flex; align-items: flex-start; gap: 12px; box-sizing: border-box; max-width: min(520px, calc(100vw - 24px));
  background: #fff; color: #14213d; border-radius: 12px; padding: 12px 12px 12px 16px; border-left: 5px solid #0b5cad;
  box-shadow: 0 10px 30px rgba(8, 27, 58, .25), 0 0 0 1px rgba(8, 27, 58, .08); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.al-notice strong { display: block; font-weight: 650; }
.al-notice .al-btn { flex: none; }
`;

const REASONS: ReadonlySet<string> = new Set(END_REASONS);

export class SessionNotice {
  readonly #t: (key: EndingKey, vars?: Readonly<Record<string, string>>) => string;
  #el: HTMLElement | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly host: UiHost) {
    host.addStyles(css);
    this.#t = translator(endingStrings, host.lang);
  }

  /** Screen sharing ended: the title and the reason as a sentence (unknown reasons get a neutral one). */
  ended(reason: string | undefined, agent: string): void {
    const key: EndingKey = reason !== undefined && REASONS.has(reason) ? (reason as EndingKey) : "unknown";
    this.#show(this.#t("endedTitle"), this.#t(key, { agent: agent || this.#t("someAgent") }));
  }

  /** The session reaches its time limit in `ms`: a live countdown. */
  endingSoon(ms: number): void {
    const until = Date.now() + ms;
    const text = h("span", {});
    this.#show("", text);
    const tick = () => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      text.textContent = this.#t("endingSoon", { left: `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` });
      if (left === 0) this.#stopTicking();
    };
    tick();
    this.#timer = setInterval(guard(tick), 1000);
  }

  hide(): void {
    this.#stopTicking();
    this.#el?.remove();
    this.#el = undefined;
  }

  #show(title: string, body: string | Node): void {
    this.hide();
    const ok = h("button", { type: "button", class: "al-btn", "data-airlock-action": "dismiss" }, this.#t("dismiss"));
    ok.addEventListener("click", guard(() => this.hide()));
    const text = h("div", {}, ...(title ? [h("strong", {}, title)] : []), body);
    this.#el = h("div", { class: "al-notice", role: "status", "aria-live": "polite", "data-airlock-notice": "" }, text, ok);
    this.host.root.append(this.#el);
  }

  #stopTicking(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
