import type { SignedInAgent } from "../auth/principal.js";
import type { WebhookRuntime } from "../webhooks/runtime.js";
import type { Identity } from "../auth/identity.js";
import type { StoredSession } from "../auth/session-store.js";
import type { Config } from "../config/schema.js";
import type { Logger } from "../ops/log.js";
import type { ClientSlots } from "./client-slots.js";
import type { FailureLog } from "./failure-log.js";
import type { Metrics } from "../ops/metrics.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { MessageGuards } from "../policy/message-guards.js";
import type { RetentionScheduler } from "../retention/scheduler.js";
import type { AssetProxy } from "../relay/asset-proxy/asset-proxy.js";
import type { Relay } from "../relay/relay.js";
import type { Storage } from "../storage/db.js";
import type { ChatRuntime } from "../chat/runtime.js";
import type { Bus } from "../bus/bus.js";

/** Long-lived services every request handler may use; built once in server.ts. */
export interface Services {
  readonly config: Config;
  readonly storage: Storage;
  readonly log: Logger;
  /** Logs failures by cause: faults at error, expected ones at info/warn and rate-limited (failure-log.ts). */
  readonly failures: FailureLog;
  /** The per-client connection cap (maxConnectionsPerClient), shared by HTTP and WebSocket upgrades. */
  readonly clientSlots: ClientSlots;
  readonly metrics: Metrics;
  readonly lifecycle: Lifecycle;
  /** The policy engine every route and message kind asks (src/policy); reloads on SIGHUP. */
  readonly policy: PolicyEngine;
  /** The policy action of every WebSocket message kind, both sockets; built once in server.ts (src/server/message-guards.ts). */
  readonly messageGuards: MessageGuards;
  /** Agent identity: OIDC login, sessions, MFA, WebSocket tickets (src/auth). */
  readonly identity: Identity;
  /** Applies policies/retention.yaml at start and every retentionIntervalMs; `register(kind, job)` adds a pruning job (docs/retention.md). */
  readonly retention: RetentionScheduler;
  /** The asset proxy and the signer of its URLs, shared with the relay's sanitizers (src/relay/asset-proxy). */
  readonly assets: AssetProxy;
  /** The co-browse relay: this replica's sessions, agent seats and the cluster session directory (src/relay/relay.ts). */
  readonly relay: Relay;
  /** Live chat and presence: chat service, live visitor list, socket endpoints (src/chat/runtime.ts). */
  readonly chat: ChatRuntime;
  /** The bus between replicas (in-process, or Redis pub/sub): /readyz reports whether it is reachable. */
  readonly bus: Bus;
  /** Signed webhooks: the outbox's dispatcher for this process (src/webhooks). */
  readonly webhooks: WebhookRuntime;
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
  /** The error code of a failed request, for its access log line. */
  failureCode?: string;
  /** The agent's live session (pending MFA or active), set by the session middleware. */
  session?: StoredSession;
  /** The agent of a live session; `mfa` is false until the second factor is satisfied. Route guards read it. */
  principal?: SignedInAgent;
}
