import { fail } from "../failure.js";
import { check } from "./check.js";

/** Asks the policy engine for the action this message kind needs (deny by default). */
export function allowedBy(action: string) {
  return check<unknown>(`policy:${action}`, ({ decide }) => {
    const decision = decide(action);
    return decision.allow ? undefined : fail("not_allowed", `denied by policy: ${decision.reason}`);
  });
}

/** Joining a session another agent already runs is a separate permission (supervisors, view-only). */
export const mayJoinOthers = check<unknown>("policy:cobrowse:join", ({ room, agent, decide }) => {
  if (agent?.joined || room.seatsBesidesReturning(agent?.principal.subject ?? "") === 0) return undefined;
  const decision = decide("cobrowse:join");
  return decision.allow ? undefined : fail("not_allowed", `denied by policy: ${decision.reason}`);
});

/**
 * The agent could be granted this mode: the decision as if the visitor had already granted it.
 * Asking the visitor for control needs this, since cobrowse:control itself requires the grant.
 */
export function mayAskFor(mode: "control") {
  return check<unknown>(`policy:ask-${mode}`, ({ decide }) => {
    const decision = decide(`cobrowse:${mode}`, { grantedMode: mode, visitorConsent: { view: true, [mode]: true } });
    return decision.allow ? undefined : fail("not_allowed", `denied by policy: ${decision.reason}`);
  });
}
