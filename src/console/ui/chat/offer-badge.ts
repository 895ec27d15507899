import type { ChatServerFrame } from "../../../protocol/chat-frames.js";
import type { AgentChatMessage } from "../../../protocol/chat-messages.js";
import { byCode } from "../components/error-sentences.js";
import { h, replaceChildren } from "../dom.js";

// Chats routing offers to this agent, in the console header on every page: a count, each offer
// with the seconds left to accept it, and "Accept". New offers and offers that ran out are said
// politely to screen readers; the countdown itself is not read out (it changes every second).

interface Offer {
  readonly conversation: string;
  readonly site: string;
  readonly label: string;
  /** performance.now() when the offer ends: counted on this machine's clock, whatever the server's says. */
  readonly endsAt: number;
}

export interface OfferBadge {
  readonly el: HTMLElement;
  /** Every frame of the header's chat connection; `send` answers on it. */
  frame(f: ChatServerFrame, send: (m: AgentChatMessage) => boolean): void;
}

/** `openChats` goes to the chats page once an offer is accepted (unless it shows already). */
export function offerBadge(signal: AbortSignal, openChats: (site: string) => void): OfferBadge {
  const offers = new Map<string, Offer>();
  const accepting = new Set<string>();
  let send: (m: AgentChatMessage) => boolean = () => false;
  const count = h("span", { class: "offer-count" }, "0");
  const list = h("ul", { class: "offer-list", id: "offer-list", "aria-label": "Chats offered to you" });
  const toggle = h("button", { type: "button", class: "button small offer-toggle", "aria-expanded": "true", "aria-controls": "offer-list" }, "Offers ", count);
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    list.hidden = !open;
  });
  const said = h("span", { class: "visually-hidden", role: "status", "aria-live": "polite", "data-testid": "offer-said" });
  const problem = h("p", { class: "offer-problem", role: "alert", hidden: true });
  const box = h("div", { class: "offers", hidden: true }, toggle, h("div", { class: "offer-pop" }, list, problem));

  const secondsLeft = (o: Offer) => Math.max(0, Math.ceil((o.endsAt - performance.now()) / 1000));
  const render = () => {
    for (const [id, o] of offers) if (secondsLeft(o) === 0) offers.delete(id);
    box.hidden = offers.size === 0 && problem.hidden;
    count.textContent = String(offers.size);
    toggle.setAttribute("aria-label", `${offers.size} chat${offers.size === 1 ? "" : "s"} offered to you`);
    replaceChildren(
      list,
      [...offers.values()].map((o) =>
        h(
          "li",
          { class: "offer", "data-conversation": o.conversation },
          h("span", { class: "offer-what" }, o.label),
          h("span", { class: "offer-left", "data-testid": "offer-left" }, `${secondsLeft(o)} s left`),
          h("button", { type: "button", class: "button primary small", disabled: accepting.has(o.conversation), on: { click: () => accept(o) } }, "Accept"),
        ),
      ),
    );
  };
  const accept = (o: Offer) => {
    problem.hidden = true;
    if (!send({ kind: "chat-accept", conversation: o.conversation })) return showProblem("The connection to Airlock is down for a moment. Try again in a few seconds.");
    accepting.add(o.conversation);
    render();
  };
  const showProblem = (text: string) => {
    problem.textContent = text;
    problem.hidden = false;
    render();
  };
  const timer = setInterval(() => {
    if (offers.size > 0) render();
  }, 1_000);
  signal.addEventListener("abort", () => clearInterval(timer));

  return {
    el: h("div", { class: "offers-wrap" }, box, said),
    frame(f, sendOn) {
      send = sendOn;
      if (f.kind === "chat-offer") {
        if (f.status === "offered") {
          const seconds = f.seconds ?? Math.max(1, Math.round(((f.expiresAt ?? Date.now()) - Date.now()) / 1000));
          const label = f.teamName ? `Chat for ${f.teamName} (${f.site})` : `Chat on ${f.site}`;
          offers.set(f.conversation, { conversation: f.conversation, site: f.site, label, endsAt: performance.now() + seconds * 1000 });
          accepting.delete(f.conversation);
          said.textContent = `${label} is offered to you: ${seconds} seconds to accept.`;
        } else if (offers.delete(f.conversation) && !accepting.has(f.conversation)) {
          said.textContent = f.status === "expired" ? "An offered chat ran out and went to a colleague." : "An offered chat no longer waits: it was taken or it ended.";
        }
        return render();
      }
      // Accepted here: the chats page takes over (the withdrawal may come before or after this).
      if (f.kind === "chat-conversation" && accepting.has(f.conversation) && f.state !== "queued") {
        accepting.delete(f.conversation);
        offers.delete(f.conversation);
        render();
        if (f.change === "accepted") openChats(f.site ?? "");
        return;
      }
      if (f.kind === "chat-error" && f.ref === "chat-accept" && accepting.size > 0) {
        accepting.clear();
        showProblem(byCode[f.code] ?? "The chat could not be accepted. It may have gone to a colleague.");
      }
    },
  };
}
