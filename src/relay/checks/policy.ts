import { fail } from "../failure.js";
import { check } from "./check.js";

/** Asks the policy engine for the action this message kind needs (deny by default). */
export function allowedBy(action: string) {
  return check<unknown>(`policy:${action}`, ({ decide }) => {
    const decision = decide(action);
    return decision.allow ? undefined : fail("not_allowed", `denied by policy: ${decision.reason}`);
  });
}
