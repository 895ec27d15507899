import { randomInt, randomUUID } from "node:crypto";
import type { ConversationKeys } from "../chat/conversation-keys.js";
import type { DomainEvent } from "../events/domain-events.js";
import { systemLookup, type HostLookup } from "../http/egress/pinned-address.js";
import type { Logger } from "../ops/log.js";
import type { WebhooksPolicy } from "../policy/schema/webhooks.js";
import type { Storage } from "../storage/db.js";
import { backoffMs } from "./backoff.js";
import { hostAllowsMessageText, withMessageText } from "./message-text.js";
import { claimDue, enqueueDeliveries, finishAttempt, type Delivery } from "./outbox.js";
import { payloadOf, type WebhookPayload } from "./payload.js";
import type { WebhookSecrets } from "./secrets.js";
import { sendWebhook, type SendOutcome } from "./send.js";
import { signatureHeaders } from "./signature.js";

export interface DispatcherDeps {
  readonly storage: Storage;
  readonly policy: () => WebhooksPolicy;
  readonly secrets: WebhookSecrets;
  readonly log: Logger;
  /** For message text (conversation.ended, where policy allows it). */
  readonly keys?: ConversationKeys;
  readonly lookup?: HostLookup;
  readonly now?: () => number;
  readonly random?: () => number;
  /** Names this worker in its claims (one per process). */
  readonly workerId?: string;
}

const BATCH = 10;

/**
 * Turns domain events into outbox rows and delivers due rows: signs each attempt (Standard
 * Webhooks), sends it through the outbound address guard, logs status, attempt, duration and
 * response code (never a body), and schedules the next attempt with backoff or dead-letters it.
 * `runOnce()` is one pass; `start()` runs passes on a timer and whenever an event arrives.
 */
export class WebhookDispatcher {
  readonly workerId: string;
  readonly #deps: DispatcherDeps;
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<number> | undefined;
  #again = false;
  #stopped = false;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
    this.workerId = deps.workerId ?? randomUUID();
  }

  /** Writes one outbox row per subscription that names the event's type (none: nothing stored). */
  async enqueue(event: DomainEvent): Promise<number> {
    const payload = payloadOf(event);
    const subs = this.#deps.policy().subscriptions.filter((s) => s.events.includes(payload.type));
    const body = JSON.stringify(payload);
    await enqueueDeliveries(this.#deps.storage.db, subs.map((s) => ({ subscriptionId: s.id, eventType: payload.type, payload: body })), this.#now());
    return subs.length;
  }

  /** The domain-event listener: enqueue, then deliver without waiting for the timer. */
  listener(): (event: DomainEvent) => void {
    return (event) => {
      this.enqueue(event)
        .then((n) => (n > 0 ? this.nudge() : undefined))
        .catch((err: unknown) => this.#deps.log.error({ event: event.kind, err: err instanceof Error ? err.name : typeof err }, "webhook event not queued"));
    };
  }

  /** One pass: claims due deliveries and attempts each once. Returns how many it attempted. */
  async runOnce(): Promise<number> {
    const policy = this.#deps.policy();
    const leaseMs = policy.delivery.timeoutSeconds * 1000 + 30_000;
    const claimed = await claimDue(this.#deps.storage.db, this.workerId, this.#now(), leaseMs, BATCH);
    await Promise.all(claimed.map((d) => this.#attempt(d, policy)));
    return claimed.length;
  }

  /** Runs a pass soon (coalesced with one already running). */
  nudge(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.runOnce()
      .catch((err: unknown) => {
        this.#deps.log.error({ err: err instanceof Error ? err.name : typeof err }, "webhook delivery pass failed");
        return 0;
      })
      .finally(() => {
        this.#running = undefined;
        if (this.#again) {
          this.#again = false;
          this.nudge();
        }
      });
  }

  start(intervalMs: number): void {
    this.#timer = setInterval(() => this.nudge(), intervalMs);
    this.#timer.unref();
    this.nudge();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#running;
  }

  async #attempt(delivery: Delivery, policy: WebhooksPolicy): Promise<void> {
    const attempt = delivery.attempts + 1;
    const started = this.#now();
    const t0 = performance.now();
    const sub = policy.subscriptions.find((s) => s.id === delivery.subscriptionId);
    const secret = sub ? this.#deps.secrets.get(sub.secret) : undefined;
    let result: SendOutcome;
    if (!sub) result = { statusCode: null, outcome: "subscription_removed", permanent: true };
    else if (!secret) result = { statusCode: null, outcome: "secret_missing", permanent: true };
    else {
      try {
        let payload = JSON.parse(delivery.payload) as WebhookPayload;
        // Message text only where the subscription asks for it AND its host is allowlisted.
        if (this.#deps.keys && sub.includeMessageText && hostAllowsMessageText(sub, policy)) payload = await withMessageText(this.#deps.storage, this.#deps.keys, sub, payload, started);
        const body = JSON.stringify(payload);
        result = await sendWebhook({
          url: sub.url,
          headers: signatureHeaders(secret, delivery.id, Math.floor(started / 1000), body),
          body,
          timeoutMs: policy.delivery.timeoutSeconds * 1000,
          rules: { allowLoopback: false, allowedRanges: policy.privateAddresses.allowedCidrs },
          lookup: this.#deps.lookup ?? systemLookup,
        });
      } catch (err) {
        this.#deps.log.error({ subscription: delivery.subscriptionId, err: err instanceof Error ? err.name : typeof err }, "webhook attempt failed before sending");
        result = { statusCode: null, outcome: "internal", permanent: false };
      }
    }
    const durationMs = Math.round(performance.now() - t0);
    const delivered = result.outcome === "delivered";
    const spent = attempt - delivery.attemptBase;
    const dead = !delivered && (result.permanent || spent >= policy.delivery.maxAttempts);
    const now = this.#now();
    const retryAt = delivered || dead ? now : now + backoffMs(spent, policy.delivery.initialBackoffSeconds * 1000, policy.delivery.maxBackoffSeconds * 1000, this.#deps.random ?? cryptoUnit);
    const state = delivered ? "delivered" : dead ? "dead" : "pending";
    await finishAttempt(this.#deps.storage.db, this.workerId, delivery, { attempt, at: started, durationMs, statusCode: result.statusCode, outcome: result.outcome }, { state, retryAt }, now);
    // Ids, codes and figures only: never the payload, the response body or the secret.
    this.#deps.log.info(
      { webhook: delivery.id, subscription: delivery.subscriptionId, eventType: delivery.eventType, attempt, statusCode: result.statusCode, outcome: result.outcome, durationMs, state },
      "webhook attempt",
    );
  }
}

/** A uniform number in [0, 1) from the CSPRNG: Airlock's server draws no value from Math.random. */
function cryptoUnit(): number {
  return randomInt(0, 2 ** 47) / 2 ** 47;
}
