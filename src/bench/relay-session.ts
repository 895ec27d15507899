import { isAction } from "../policy/actions.js";
import type { PolicyEngine } from "../policy/engine.js";
import { systemClock } from "../relay/clock.js";
import { CobrowseSession } from "../relay/cobrowse-session.js";
import type { Sanitizer } from "../relay/sanitizer/sanitizer.js";

/**
 * A session as the relay benchmarks use it: the real checks and sanitizer under the shipped policy,
 * no audit sink, and an inactivity limit no measured run can reach (nothing in a benchmark
 * stands for agent activity).
 */
export function benchSession(site: { id: string; origins: string[] }, sanitizer: Sanitizer, policy: PolicyEngine): CobrowseSession {
  return new CobrowseSession({
    site,
    sanitizer,
    decide: (action, context) => (isAction(action) ? policy.decide(action, context) : { allow: false, reason: "unknown action" }),
    clock: systemClock,
    inactivityMs: 3_600_000,
    maskInputValues: true,
    audit: () => undefined,
    onEnded: () => undefined,
  });
}
