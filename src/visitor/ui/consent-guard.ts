// Consent is an unambiguous act: a key typed or a click aimed before a prompt appeared, or in
// the moment it appears, must never answer it. The guard judges each activation of a prompt's
// button by the browser's own event timing (`timeStamp`, same clock as `performance.now()`):
// it counts only when it is trusted (a real person, not page script) and its press — a
// pointerdown, or an Enter/Space keydown that is not auto-repeat — started on that very button
// after the prompt had been on screen for the guard time. The prompt never takes focus from a
// field either (cobrowse-ui.ts), so keystrokes meant for the field stay there.

/** How long after a prompt appears no press on it counts. */
export const CONSENT_GUARD_MS = 1000;

const ACTIVATION_KEYS: ReadonlySet<string> = new Set(["Enter", " ", "Spacebar"]);

export class ConsentGuard {
  readonly #shownAt: number;
  readonly #pressed = new WeakSet<EventTarget>();
  /** Set when the prompt's buttons are shown as available: from then on the guard agrees with what the person sees. */
  #armed = false;

  constructor(
    shownAt: number = performance.now(),
    readonly guardMs: number = CONSENT_GUARD_MS,
  ) {
    this.#shownAt = shownAt;
  }

  /** Whether an event at `timeStamp` comes after the guard time. */
  armed(timeStamp: number): boolean {
    return this.#armed || timeStamp - this.#shownAt >= this.guardMs;
  }

  /** The guard time is over by the page's own timer (event timestamps are coarse): presses count. */
  arm(): void {
    this.#armed = true;
  }

  /** Watches the presses on a button of the prompt; `accepts` then judges its clicks. */
  watch(button: HTMLElement): void {
    button.addEventListener("pointerdown", (e) => {
      if (e.isTrusted && this.armed(e.timeStamp)) this.#pressed.add(button);
      else this.#pressed.delete(button);
    });
    button.addEventListener("keydown", (e) => {
      if (!ACTIVATION_KEYS.has(e.key)) return;
      if (e.isTrusted && !e.repeat && this.armed(e.timeStamp)) return void this.#pressed.add(button);
      // Too early, held down, or synthetic: the key does nothing here (no click follows).
      this.#pressed.delete(button);
      e.preventDefault();
    });
  }

  /** Whether this click on `button` is a deliberate answer. */
  accepts(button: HTMLElement, e: Event): boolean {
    const ok = e.isTrusted && this.#pressed.has(button) && this.armed(e.timeStamp);
    this.#pressed.delete(button);
    return ok;
  }

  /** Escape declines, but not when typed before the prompt could be read, nor held down. */
  acceptsKey(e: KeyboardEvent): boolean {
    return e.isTrusted && !e.repeat && this.armed(e.timeStamp);
  }
}
