import type { ConversationKeys } from "../chat/conversation-keys.js";
import type { DomainEvents } from "../events/domain-events.js";
import type { HostLookup } from "../http/egress/pinned-address.js";
import type { Logger } from "../ops/log.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { RetentionScheduler } from "../retention/scheduler.js";
import type { Storage } from "../storage/db.js";
import { WebhookDispatcher } from "./dispatcher.js";
import { pruneDeliveries } from "./outbox.js";
import type { WebhookSecrets } from "./secrets.js";

/** How often a process looks for due deliveries (retries, other processes' events) besides on each event. */
export const POLL_INTERVAL_MS = 1_000;

export interface WebhookDeps {
  /** From loadWebhookSecrets, checked before anything else starts. */
  readonly secrets: WebhookSecrets;
  readonly storage: Storage;
  readonly policy: PolicyEngine;
  readonly log: Logger;
  readonly keys: ConversationKeys;
  readonly events: DomainEvents;
  readonly retention: Pick<RetentionScheduler, "register">;
  readonly lookup?: HostLookup;
}

export interface WebhookRuntime {
  readonly dispatcher: WebhookDispatcher;
  stop(): Promise<void>;
}

/**
 * Signed webhooks for this process: domain events queued in the outbox, due deliveries sent, the
 * delivery log pruned.
 */
export function startWebhooks(deps: WebhookDeps): WebhookRuntime {
  const dispatcher = new WebhookDispatcher({
    storage: deps.storage,
    policy: () => deps.policy.policy.webhooks,
    secrets: deps.secrets,
    log: deps.log,
    keys: deps.keys,
    ...(deps.lookup ? { lookup: deps.lookup } : {}),
  });
  const stopListening = deps.events.on(dispatcher.listener());
  deps.retention.register("webhookDeliveries", ({ cutoff }) => pruneDeliveries(deps.storage.db, cutoff));
  dispatcher.start(POLL_INTERVAL_MS);
  return {
    dispatcher,
    async stop() {
      stopListening();
      await dispatcher.stop();
    },
  };
}
