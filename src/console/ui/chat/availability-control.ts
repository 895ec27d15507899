import type { AgentAvailability } from "../../../protocol/chat-frames.js";
import { h } from "../dom.js";
import { ChatSocket } from "./chat-socket.js";

// The agent's availability (online / away) in the console header. It keeps its own chat
// connection for as long as the console is open, whichever page shows, so an agent counts as
// available on every page, and never while away. The choice is kept in this browser's storage
// and sent again on every (re)connect: a reload or a lost connection keeps it.

const STORAGE_KEY = "airlock-availability";

function stored(): AgentAvailability {
  try {
    return localStorage.getItem(STORAGE_KEY) === "away" ? "away" : "online";
  } catch {
    return "online";
  }
}

function remember(status: AgentAvailability): void {
  try {
    localStorage.setItem(STORAGE_KEY, status);
  } catch {
    // storage may be disabled: the choice then lasts until the page reloads
  }
}

const labels: Record<AgentAvailability, string> = { online: "Online", away: "Away" };

/** The header control; `signal` closes its connection when the frame is replaced (sign-out, another user). */
export function availabilityControl(signal: AbortSignal): HTMLElement {
  let status = stored();
  const select = h(
    "select",
    { id: "availability", class: "availability-select", "data-status": status },
    (["online", "away"] as const).map((s) => h("option", { value: s, ...(s === status ? { selected: true } : {}) }, labels[s])),
  );
  const said = h("span", { class: "visually-hidden", role: "status", "aria-live": "polite" });
  const show = (next: AgentAvailability, announce: boolean) => {
    status = next;
    remember(next);
    select.value = next;
    select.dataset.status = next;
    if (announce) said.textContent = next === "away" ? "You are away: no new chats come to you." : "You are online: new chats can come to you.";
  };
  const socket = new ChatSocket({
    signal,
    onOpen: () => socket.send({ kind: "set-availability", status }),
    onDown: () => undefined,
    onFrame: (f) => {
      // Set in another tab or window of this agent: follow it.
      if (f.kind === "agent-availability" && f.status !== status) show(f.status, true);
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
