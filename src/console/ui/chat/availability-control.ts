import type { AgentAvailability, ChatServerFrame } from "../../../protocol/chat-frames.js";
import type { AgentChatMessage } from "../../../protocol/chat-messages.js";
import { h } from "../dom.js";
import { ChatSocket } from "./chat-socket.js";

// The agent's availability (online / away) in the console header. It keeps its own chat
// connection for as long as the console is open, whichever page shows, so an agent counts as
// available on every page, and never while away. The choice lives on the server: on every
// (re)connect the control asks for it (`watch-availability`) and shows the answer, so a reload,
// a second tab or another browser shows the same choice. Until the answer arrives the control
// waits (disabled) instead of guessing.

const labels: Record<AgentAvailability, string> = { online: "Online", away: "Away" };

/**
 * The header control; `signal` closes its connection when the frame is replaced (sign-out, another
 * user). `onFrame` sees every frame of that connection (the offers badge shares it).
 */
export function availabilityControl(signal: AbortSignal, onFrame?: (f: ChatServerFrame, send: (m: AgentChatMessage) => boolean) => void): HTMLElement {
  let status: AgentAvailability | undefined;
  const select = h(
    "select",
    { id: "availability", class: "availability-select", "data-status": "unknown", disabled: true },
    (["online", "away"] as const).map((s) => h("option", { value: s }, labels[s])),
  );
  const said = h("span", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const show = (next: AgentAvailability, announce: boolean) => {
    status = next;
    select.disabled = false;
    select.value = next;
    select.dataset.status = next;
    if (announce) said.textContent = next === "away" ? "You are away: no new chats come to you." : "You are online: new chats can come to you.";
  };
  const socket = new ChatSocket({
    signal,
    onOpen: () => socket.send({ kind: "watch-availability" }),
    onDown: () => undefined,
    onFrame: (f) => {
      onFrame?.(f, (m) => socket.send(m));
      // The server's answer, or a change made in another tab or window of this agent: follow it.
      if (f.kind === "agent-availability" && f.status !== status) show(f.status, status !== undefined);
    },
  });
  select.addEventListener("change", () => {
    const next: AgentAvailability = select.value === "away" ? "away" : "online";
    show(next, true);
    socket.send({ kind: "set-availability", status: next });
  });
  return h(
    "div",
    { class: "availability" },
    h("span", { class: "availability-dot", "aria-hidden": "true" }),
    h("label", { for: "availability", class: "availability-label" }, "Availability"),
    select,
    said,
  );
}
