// The webhook outbox and its delivery log. A delivery row is one event for one subscription;
// its payload is metadata only (ids, site, team, agent, times, score): message text is never
// stored here — it is read from the encrypted transcript at the moment of sending, where policy
// allows it. The log keeps status, attempt, duration and response code, never a body.
import type { EpochMs } from "../storage/epoch-ms.js";

export type DeliveryState = "pending" | "delivered" | "dead";

export interface WebhookDeliveryTable {
  /** Sent as `webhook-id`: the receiver's idempotency key (the same on every retry). */
  id: string;
  subscription_id: string;
  event_type: string;
  /** The event's JSON payload (metadata only). */
  payload: string;
  state: DeliveryState;
  /** Attempts made so far (the delivery log numbers them 1, 2, …). */
  attempts: number;
  /** `attempts` when a person last retried it from the dead-letter list: the budget counts from there. */
  attempt_base: number;
  next_attempt_at: EpochMs;
  /** Which worker holds the delivery and until when (a crashed worker's claim runs out). */
  claimed_by: string | null;
  claimed_until: EpochMs | null;
  /** The last attempt's outcome code (`http_500`, `timeout`, `address_refused`…). */
  last_outcome: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export interface WebhookAttemptTable {
  delivery_id: string;
  attempt: number;
  at: EpochMs;
  duration_ms: number;
  /** The HTTP status the endpoint answered, null when there was no answer. */
  status_code: number | null;
  outcome: string;
}

export interface WebhookTables {
  webhook_delivery: WebhookDeliveryTable;
  webhook_attempt: WebhookAttemptTable;
}
