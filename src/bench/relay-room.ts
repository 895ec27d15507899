import { isAction } from "../policy/actions.js";
import type { PolicyEngine } from "../policy/engine.js";
import { systemClock } from "../relay/clock.js";
import { Room } from "../relay/room.js";
import type { Sanitizer } from "../relay/sanitizer/sanitizer.js";

/**
 * A room as the relay benchmarks use it: the real checks and sanitizer under the shipped policy,
 * no audit sink, and an inactivity limit no measured run can reach (nothing in a benchmark
 * stands for agent activity).
 */
export function benchRoom(site: { id: string; origins: string[] }, sanitizer: Sanitizer, policy: PolicyEngine): Room {
  return new Room({
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
