import type { Identity } from "../auth/identity.js";
import type { Logger } from "../ops/log.js";
import type { Metrics } from "../ops/metrics.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { Storage } from "../storage/db.js";
import { auditTrailJob, loginSessionsJob } from "./builtin-jobs.js";
import { RetentionScheduler, type Timer } from "./scheduler.js";

export interface RetentionDeps {
  readonly storage: Storage;
  readonly policy: PolicyEngine;
  readonly identity: Pick<Identity, "sessions">;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly intervalMs: number;
}

/** The server's retention scheduler with the audit trail and login sessions registered; chat adds its own job. */
export function createRetention(deps: RetentionDeps, options: { now?: () => number; timer?: Timer } = {}): RetentionScheduler {
  const scheduler = new RetentionScheduler({
    policy: () => deps.policy.policy.retention,
    log: deps.log,
    registry: deps.metrics.registry,
    intervalMs: deps.intervalMs,
    ...options,
  });
  scheduler.register("auditTrail", auditTrailJob(deps.storage.db));
  scheduler.register("loginSessions", loginSessionsJob(deps.identity.sessions));
  return scheduler;
}
