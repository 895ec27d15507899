import type { CobrowseMode } from "../../protocol/fields.js";
import { fail } from "../failure.js";
import { check } from "./check.js";

// Checks of who may see and act in a session: the visitor lets each agent in by name, grants
// control to one agent by name, and a "no" holds for the policy's pause (consentPause).

/** The visitor let this agent watch (page content and page actions need it). */
export const admittedSeat = check<unknown>("watcher:admitted", ({ agent }) =>
  agent?.seat?.admitted ? undefined : fail("no_consent", "the visitor has not let you watch"),
);

/** Asking to watch again makes sense only for an agent who is not watching. */
export const notAdmitted = check<unknown>("watcher:not-admitted", ({ agent }) =>
  agent?.seat?.admitted ? fail("wrong_state", "you are already watching") : undefined,
);

/** Control events come only from the agent the visitor granted control to, by name. */
export const controllingSeat = check<unknown>("watcher:controlling", ({ agent }) =>
  agent?.seat?.controlling ? undefined : fail("no_consent", "the visitor granted control to another agent"),
);

/** The same question waits out the pause after the visitor's "no", and is never asked twice at once. */
export function askAllowed(mode: CobrowseMode) {
  return check<unknown>(`ask:${mode}`, ({ room: session, agent }) => {
    const waitMs = session.askPausedMs(mode);
    if (waitMs > 0) return fail("ask_paused", `the visitor said no; ask again in ${Math.ceil(waitMs / 1000)} s`);
    if (agent?.seat && session.asking(agent.seat.id, mode)) return fail("wrong_state", "the visitor is already being asked");
    return undefined;
  });
}

/** `remove-watcher` names a seat of this session. */
export const seatKnown = check<{ watcher: string }>("watcher:known", ({ room: cobrowseSession, message }) =>
  cobrowseSession.hasSeat(message.watcher) ? undefined : fail("wrong_state", "no such watcher in this session"),
);
