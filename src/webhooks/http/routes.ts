import { z } from "zod";
import { appendAudit } from "../../audit/trail.js";
import { AirlockError } from "../../errors.js";
import { parseQuery } from "../../http/query.js";
import { defineRoute, pathParam, type RouteDef } from "../../http/route.js";
import { principalFromState } from "../../policy/principal.js";
import { listDeliveries, requeueDead } from "../outbox.js";

// The webhook deliveries for supervisors and admins (webhooks:manage): the delivery log and the
// dead-letter list, and putting a dead-lettered delivery back in the queue (audited). Ids, event
// types, states, status codes and times only: never a payload or a response body.

const deliveriesQuery = z.strictObject({ state: z.enum(["pending", "delivered", "dead"]).optional() });

export const DELIVERIES_PAGE = 100;

/** GET /api/v1/webhooks/deliveries[?state=]: the latest deliveries, last change first, with their last attempt. */
export const webhookDeliveries = defineRoute({
  method: "GET",
  path: "/api/v1/webhooks/deliveries",
  access: { action: "webhooks:manage", routineRead: true },
  handler: async (ctx, { storage, policy }) => {
    const q = parseQuery(ctx.querystring, deliveriesQuery);
    const rows = await listDeliveries(storage.db, { ...(q.state ? { state: q.state } : {}), limit: DELIVERIES_PAGE });
    ctx.set("Cache-Control", "no-store");
    ctx.body = {
      subscriptions: policy.policy.webhooks.subscriptions.map((s) => ({ id: s.id, host: new URL(s.url).host, events: s.events })),
      maxAttempts: policy.policy.webhooks.delivery.maxAttempts,
      deliveries: rows.map((d) => ({
        id: d.id,
        subscription: d.subscriptionId,
        eventType: d.eventType,
        state: d.state,
        attempts: d.attempts,
        lastOutcome: d.lastOutcome,
        lastStatusCode: d.lastStatusCode,
        lastDurationMs: d.lastDurationMs,
        nextAttemptAt: d.state === "pending" ? d.nextAttemptAt : null,
        createdAt: d.createdAt,
        updatedAt: d.updatedAt,
      })),
    };
  },
});

const deliveryId = z.uuid("a delivery id");

/** POST /api/v1/webhooks/deliveries/:id/retry: a dead-lettered delivery goes back in the queue, due now; audited. */
export const retryWebhookDelivery = defineRoute({
  method: "POST",
  path: "/api/v1/webhooks/deliveries/:id/retry",
  access: { action: "webhooks:manage" },
  body: z.strictObject({}),
  handler: async (ctx, { storage, webhooks }) => {
    const actor = principalFromState(ctx.state);
    if (!actor) throw new AirlockError("unauthenticated", "sign in first");
    const parsed = deliveryId.safeParse(pathParam(ctx, "id"));
    if (!parsed.success) throw new AirlockError("bad_request", "not a delivery id");
    const id = parsed.data;
    const now = Date.now();
    await storage.db.transaction().execute(async (trx) => {
      if (!(await requeueDead(trx, id, now))) {
        const exists = await trx.selectFrom("webhook_delivery").select("state").where("id", "=", id).executeTakeFirst();
        throw exists ? new AirlockError("conflict", "only a dead-lettered delivery can be retried") : new AirlockError("not_found", "no such delivery");
      }
      await appendAudit(trx, { actor: `agent:${actor.subject}`, action: "webhook.retry", target: `webhook-delivery:${id}`, decision: "success", sourceAddress: ctx.ip || null, at: now });
    });
    webhooks.dispatcher.nudge();
    ctx.body = { id, state: "pending" };
  },
});

export const webhookRoutes: readonly RouteDef<unknown>[] = [webhookDeliveries, retryWebhookDelivery] as readonly RouteDef<unknown>[];
