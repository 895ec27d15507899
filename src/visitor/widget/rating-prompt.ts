import { h } from "../ui/host.js";
import type { WidgetKey } from "./strings.js";

type T = (key: WidgetKey, vars?: Readonly<Record<string, string>>) => string;

/**
 * The satisfaction prompt after a chat ends: scores 1-5 as a native radio group (arrow keys move,
 * each score named in words), an optional comment, "Send rating" and "Skip". Sentences about the
 * outcome go to a polite status line; the caller decides what is sent and remembered.
 */
export class RatingPrompt {
  readonly el: HTMLFormElement;
  readonly #status: HTMLElement;
  readonly #comment: HTMLTextAreaElement;
  readonly #fields: HTMLElement;

  constructor(t: T, on: { send(score: number, comment: string): void; skip(): void; pick(score: number): void }) {
    const scores = [1, 2, 3, 4, 5].map((n) => {
      const input = h("input", { type: "radio", name: "alc-score", value: String(n) });
      input.addEventListener("change", () => on.pick(n));
      return h("label", { class: "alc-score" }, input, h("span", {}, t(`score${n}` as WidgetKey)));
    });
    this.#comment = h("textarea", { maxlength: "1000", rows: "2" });
    const skip = h("button", { class: "alc-btn", type: "button" }, t("rateSkip"));
    skip.addEventListener("click", () => on.skip());
    this.#status = h("p", { class: "alc-rate-status", role: "status" });
    this.#fields = h(
      "div",
      {},
      h("fieldset", {}, h("legend", {}, t("rateQuestion")), h("div", { class: "alc-scores" }, ...scores)),
      h("label", { class: "alc-rate-comment" }, t("rateComment"), this.#comment),
      h("div", { class: "alc-row" }, skip, h("button", { class: "alc-btn alc-primary", type: "submit" }, t("rateSend"))),
    );
    this.el = h("form", { class: "alc-rate", "aria-label": t("rateQuestion"), hidden: "" }, this.#fields, this.#status);
    this.el.addEventListener("submit", (e) => {
      e.preventDefault();
      const score = Number(new FormData(this.el).get("alc-score") ?? 0);
      if (score < 1) return this.say(t("rateChoose"));
      on.send(score, this.#comment.value.trim());
    });
  }

  /** Shows the questions (with a score picked before a reload), or only a closing sentence. */
  open(score: number | undefined): void {
    this.el.hidden = false;
    this.#fields.hidden = false;
    this.say("");
    if (score) for (const r of this.el.querySelectorAll<HTMLInputElement>("input[type=radio]")) r.checked = r.value === String(score);
  }

  /** The last word: the questions go, the sentence stays (thank you, or why not). */
  close(sentence: string | undefined): void {
    this.#fields.hidden = true;
    this.el.hidden = sentence === undefined;
    this.say(sentence ?? "");
  }

  say(sentence: string): void {
    this.#status.textContent = sentence;
  }

  focus(): void {
    this.el.querySelector<HTMLElement>("input")?.focus();
  }
}
