import type { AgentMessage } from "../../protocol/agent-messages.js";
import type { ConsentAnswerToAgent, StateMessage } from "../../protocol/server-messages.js";
import type { AgentSessionAction } from "../../protocol/watchers.js";

// The agent's session buttons, who else watches, and what the visitor answered. Every button is
// one of the `actions` the server sent with the latest `state`, decided for this agent in this
// session (the console never guesses from roles): an action the server would refuse is never
// offered. A "no" from the visitor is said at once, in a sentence, with when asking again is allowed.

const buttonText: Readonly<Record<Exclude<AgentSessionAction, "highlight">, string>> = {
  "request-view": "Ask the visitor again",
  "request-control": "Request control",
  leave: "Leave session",
};

export interface SessionToolsOptions {
  readonly send: (msg: AgentMessage) => void;
  readonly onAsk: (action: "request-view" | "request-control") => void;
  readonly onLeave: () => void;
}

export class SessionTools {
  /** Buttons, in the toolbar. */
  readonly buttons: HTMLElement;
  /** Who watches now, beside the buttons. */
  readonly watchers: HTMLElement;
  /** The visitor's latest "no", as a sentence (an alert: it is said at once). */
  readonly notice: HTMLElement;
  #actions: readonly AgentSessionAction[] = [];
  #asking = false;

  constructor(private readonly options: SessionToolsOptions) {
    this.buttons = el("span", { class: "cb-actions" });
    this.watchers = el("span", { class: "cb-watchers", "data-testid": "cb-watchers" });
    this.notice = el("p", { class: "cb-notice", role: "alert", hidden: "" });
  }

  /** The server's latest decision of what this agent may do. */
  allows(action: AgentSessionAction): boolean {
    return this.#actions.includes(action) && !this.#asking;
  }

  /** Renders the buttons and the watcher list of a `state` frame. */
  update(state: StateMessage): void {
    this.#asking = false;
    this.#actions = state.state === "ended" ? [] : (state.actions ?? []);
    const names = (state.watchers ?? []).map((w) => `${w.displayName}${w.id === state.you ? " (you)" : ""}`);
    this.watchers.textContent = names.length > 0 ? `Watching now: ${names.join(", ")}` : "";
    this.#render();
  }

  /** The visitor answered this agent's question. */
  consent(msg: ConsentAnswerToAgent): void {
    if (msg.answer === "granted") return this.#say(undefined);
    const what = msg.mode === "control" ? "The visitor declined control." : "The visitor declined to share the page with you.";
    this.#say(msg.retryAfterMs === undefined ? what : `${what} You can ask again ${waitText(msg.retryAfterMs)}.`);
  }

  /** The session is over: nothing to offer any more. */
  end(): void {
    this.#actions = [];
    this.#render();
  }

  #render(): void {
    const buttons: HTMLElement[] = [];
    for (const action of ["request-view", "request-control", "leave"] as const) {
      if (!this.#actions.includes(action)) continue;
      const button = el("button", { type: "button", "data-action": action }, buttonText[action]) as HTMLButtonElement;
      button.disabled = this.#asking && action !== "leave";
      button.addEventListener("click", () => (action === "leave" ? this.options.onLeave() : this.#ask(action)));
      buttons.push(button);
    }
    this.buttons.replaceChildren(...buttons);
  }

  #ask(action: "request-view" | "request-control"): void {
    this.#say(undefined);
    this.options.send({ kind: action });
    this.options.onAsk(action);
    // Until the server's next state, the question is out: no second ask.
    this.#asking = true;
    this.#render();
  }

  /** A sentence about the session for the agent (it stays until the next one). */
  tell(text: string): void {
    this.#say(text);
  }

  #say(text: string | undefined): void {
    this.notice.textContent = text ?? "";
    this.notice.hidden = text === undefined;
  }
}

/** "in 45 seconds", "in 2 minutes". */
export function waitText(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  if (seconds < 90) return `in ${seconds} ${seconds === 1 ? "second" : "seconds"}`;
  const minutes = Math.round(seconds / 60);
  return `in ${minutes} minutes`;
}

function el(tag: string, attrs: Readonly<Record<string, string>> = {}, ...children: (Node | string)[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}
