import type { Config } from "../config/schema.js";
import type { Logger } from "../ops/log.js";
import type { Metrics } from "../ops/metrics.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { Storage } from "../storage/db.js";

/** Long-lived services every request handler may use; built once in server.ts. */
export interface Services {
  readonly config: Config;
  readonly storage: Storage;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  /** The policy engine every route and message kind asks (src/policy); reloads on SIGHUP. */
  readonly policy: PolicyEngine;
}

export interface Lifecycle {
  /** True once shutdown has begun: /readyz answers 503 so load balancers stop sending traffic. */
  shuttingDown: boolean;
}

/** Per-request state shared by the middleware chain. */
export interface RequestState {
  requestId: string;
  /** The matched route pattern (e.g. `/api/v1/csp-report`), for metrics without cardinality blow-up. */
  routeName?: string;
}
