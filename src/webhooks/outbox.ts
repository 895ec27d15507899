import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../storage/schema.js";
import type { DeliveryState, WebhookDeliveryTable } from "./tables.js";

// The outbox: one row per event and subscription. Several server processes run workers over the
// same table; a worker claims a due row with a conditional UPDATE (state, due time and an expired
// or absent claim in the WHERE clause), so of two workers racing for a row exactly one sees its
// update count as 1 — on PostgreSQL the second UPDATE waits for the first and then re-checks the
// WHERE clause; SQLite has one writer. A worker that dies loses its claim when `claimed_until` passes.

export interface NewDelivery {
  readonly subscriptionId: string;
  readonly eventType: string;
  readonly payload: string;
}

export interface Delivery {
  readonly id: string;
  readonly subscriptionId: string;
  readonly eventType: string;
  readonly payload: string;
  readonly state: DeliveryState;
  readonly attempts: number;
  readonly attemptBase: number;
  readonly nextAttemptAt: number;
  readonly lastOutcome: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

function toDelivery(row: WebhookDeliveryTable): Delivery {
  return {
    id: row.id,
    subscriptionId: row.subscription_id,
    eventType: row.event_type,
    payload: row.payload,
    state: row.state,
    attempts: Number(row.attempts),
    attemptBase: Number(row.attempt_base),
    nextAttemptAt: Number(row.next_attempt_at),
    lastOutcome: row.last_outcome,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

export async function enqueueDeliveries(db: Kysely<Database>, deliveries: readonly NewDelivery[], now: number): Promise<void> {
  if (deliveries.length === 0) return;
  await db
    .insertInto("webhook_delivery")
    .values(
      deliveries.map((d) => ({
        id: randomUUID(),
        subscription_id: d.subscriptionId,
        event_type: d.eventType,
        payload: d.payload,
        state: "pending" as const,
        attempts: 0,
        attempt_base: 0,
        next_attempt_at: now,
        claimed_by: null,
        claimed_until: null,
        last_outcome: null,
        created_at: now,
        updated_at: now,
      })),
    )
    .execute();
}

/** Claims up to `limit` due deliveries for `worker` until `now + leaseMs`; returns the ones this worker won. */
export async function claimDue(db: Kysely<Database>, worker: string, now: number, leaseMs: number, limit: number): Promise<Delivery[]> {
  const candidates = await db
    .selectFrom("webhook_delivery")
    .select("id")
    .where("state", "=", "pending")
    .where("next_attempt_at", "<=", now)
    .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
    .orderBy("next_attempt_at")
    .limit(limit)
    .execute();
  const won: Delivery[] = [];
  for (const { id } of candidates) {
    const row = await db
      .updateTable("webhook_delivery")
      .set({ claimed_by: worker, claimed_until: now + leaseMs })
      .where("id", "=", id)
      .where("state", "=", "pending")
      .where("next_attempt_at", "<=", now)
      .where((eb) => eb.or([eb("claimed_until", "is", null), eb("claimed_until", "<=", now)]))
      .returningAll()
      .executeTakeFirst();
    if (row) won.push(toDelivery(row));
  }
  return won;
}

export interface AttemptRecord {
  readonly attempt: number;
  readonly at: number;
  readonly durationMs: number;
  readonly statusCode: number | null;
  readonly outcome: string;
}

/**
 * Records one attempt and moves the delivery on — delivered, dead, or pending again at `retryAt` —
 * in one transaction, only while `worker` still holds the claim.
 */
export async function finishAttempt(db: Kysely<Database>, worker: string, delivery: Delivery, attempt: AttemptRecord, next: { state: DeliveryState; retryAt: number }, now: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const moved = await trx
      .updateTable("webhook_delivery")
      .set({ state: next.state, attempts: attempt.attempt, next_attempt_at: next.retryAt, claimed_by: null, claimed_until: null, last_outcome: attempt.outcome, updated_at: now })
      .where("id", "=", delivery.id)
      .where("claimed_by", "=", worker)
      .executeTakeFirst();
    if (Number(moved.numUpdatedRows) === 0) return false;
    await trx
      .insertInto("webhook_attempt")
      .values({ delivery_id: delivery.id, attempt: attempt.attempt, at: attempt.at, duration_ms: attempt.durationMs, status_code: attempt.statusCode, outcome: attempt.outcome })
      .execute();
    return true;
  });
}

export interface DeliveryWithAttempts extends Delivery {
  readonly lastStatusCode: number | null;
  readonly lastDurationMs: number | null;
}

/** The newest deliveries in `state` (or all), newest first, with their last attempt's figures. */
export async function listDeliveries(db: Kysely<Database>, filter: { state?: DeliveryState; limit: number }): Promise<DeliveryWithAttempts[]> {
  let q = db.selectFrom("webhook_delivery").selectAll().orderBy("updated_at", "desc").orderBy("id").limit(filter.limit);
  if (filter.state) q = q.where("state", "=", filter.state);
  const rows = await q.execute();
  if (rows.length === 0) return [];
  const attempts = await db
    .selectFrom("webhook_attempt")
    .select(["delivery_id", "attempt", "status_code", "duration_ms"])
    .where("delivery_id", "in", rows.map((r) => r.id))
    .execute();
  const last = new Map<string, { attempt: number; status: number | null; duration: number }>();
  for (const a of attempts) {
    const seen = last.get(a.delivery_id);
    if (!seen || Number(a.attempt) > seen.attempt) last.set(a.delivery_id, { attempt: Number(a.attempt), status: a.status_code === null ? null : Number(a.status_code), duration: Number(a.duration_ms) });
  }
  return rows.map((r) => ({ ...toDelivery(r), lastStatusCode: last.get(r.id)?.status ?? null, lastDurationMs: last.get(r.id)?.duration ?? null }));
}

export async function attemptsOf(db: Kysely<Database>, deliveryId: string): Promise<AttemptRecord[]> {
  const rows = await db.selectFrom("webhook_attempt").selectAll().where("delivery_id", "=", deliveryId).orderBy("attempt").execute();
  return rows.map((r) => ({ attempt: Number(r.attempt), at: Number(r.at), durationMs: Number(r.duration_ms), statusCode: r.status_code === null ? null : Number(r.status_code), outcome: r.outcome }));
}

/**
 * Puts a dead-lettered delivery back in the queue, due now, with a fresh budget of attempts (the
 * log keeps the earlier ones and numbering goes on). Returns false when it is not dead (already retried, or gone).
 */
export async function requeueDead(db: Kysely<Database> | Transaction<Database>, id: string, now: number): Promise<boolean> {
  const r = await db
    .updateTable("webhook_delivery")
    .set((eb) => ({ state: "pending" as const, attempt_base: eb.ref("attempts"), next_attempt_at: now, claimed_by: null, claimed_until: null, updated_at: now }))
    .where("id", "=", id)
    .where("state", "=", "dead")
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Retention: finished deliveries last changed before `cutoff` (their attempts go with them) and older attempts. */
export async function pruneDeliveries(db: Kysely<Database>, cutoff: number): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const attempts = await trx.deleteFrom("webhook_attempt").where("at", "<", cutoff).executeTakeFirst();
    const deliveries = await trx.deleteFrom("webhook_delivery").where("state", "in", ["delivered", "dead"]).where("updated_at", "<", cutoff).executeTakeFirst();
    return Number(deliveries.numDeletedRows) + Number(attempts.numDeletedRows);
  });
}
