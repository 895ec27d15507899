import { clockText } from "./end-reason-text.js";

// A banner with a live countdown above the page copy ("away" and "ending soon" notices). It also
// puts the countdown in the tab's title, so an agent on another tab sees it in the tab strip.

export class CountdownBanner {
  readonly element: HTMLElement;
  readonly #text: HTMLElement;
  #timer: ReturnType<typeof setInterval> | undefined;
  #title: string | undefined;

  constructor(kind: string) {
    this.#text = document.createElement("span");
    this.element = document.createElement("div");
    this.element.className = "cb-banner";
    this.element.dataset.kind = kind;
    this.element.setAttribute("role", "alert");
    this.element.hidden = true;
    this.element.append(this.#text);
  }

  /** Counts down from `ms`; `sentence` gets the remaining time (m:ss) each second. */
  show(ms: number, sentence: (left: string) => string, titleWord: string): void {
    this.hide();
    const until = Date.now() + ms;
    this.#title = document.title;
    const tick = () => {
      const left = clockText(until - Date.now());
      this.#text.textContent = sentence(left);
      document.title = `${titleWord} ${left} · ${this.#title ?? ""}`;
      if (until <= Date.now()) this.#stopTicking();
    };
    this.element.hidden = false;
    tick();
    this.#timer = setInterval(tick, 1000);
  }

  hide(): void {
    this.#stopTicking();
    this.element.hidden = true;
    if (this.#title !== undefined) document.title = this.#title;
    this.#title = undefined;
  }

  #stopTicking(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
