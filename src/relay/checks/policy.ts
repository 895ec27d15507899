import type { CobrowseMode } from "../../protocol/fields.js";
import { fail } from "../failure.js";
import { check, checkOf } from "./check.js";

type Decide = (action: string, assume?: Readonly<Record<string, unknown>>) => { allow: boolean; reason: string };

/**
 * Asks the policy engine for the action a message kind needs (deny by default). Rows never name
 * the action: the table derives this check from its action map.
 */
export function allowedBy(action: string) {
  return checkOf<{ readonly decide: (action: string) => { allow: boolean; reason: string } }>(`policy:${action}`, ({ decide }) => {
    const decision = decide(action);
    return decision.allow ? undefined : fail("not_allowed", `denied by policy: ${decision.reason}`);
  });
}

/**
 * The kind's action as if the visitor had already granted `mode`: asking the visitor for control
 * needs this, since cobrowse:control itself requires the grant.
 */
export function allowedAsIfGranted(action: string, mode: CobrowseMode) {
  return checkOf<{ readonly decide: Decide }>(`policy:${action}:as-if-granted-${mode}`, ({ decide }) => {
    const decision = decide(action, { grantedMode: mode, visitorConsent: { view: true, [mode]: true } });
    return decision.allow ? undefined : fail("not_allowed", `denied by policy: ${decision.reason}`);
  });
}

/** Joining a session another agent already runs is a separate permission (supervisors, view-only). */
export const mayJoinOthers = check<unknown>("policy:cobrowse:join", ({ room: session, agent, decide }) => {
  if (agent?.joined || session.seatsBesidesReturning(agent?.principal.subject ?? "") === 0) return undefined;
  const decision = decide("cobrowse:join");
  return decision.allow ? undefined : fail("not_allowed", `denied by policy: ${decision.reason}`);
});
