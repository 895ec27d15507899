import { z } from "zod";
import { defineRoute, type RouteDef } from "../http/route.js";
import { parseQuery } from "../http/query.js";
import { agentNames } from "../auth/agent-names.js";
import type { AuditRecord } from "./entry.js";
import { searchAudit, type TextMatch } from "./search.js";
import { verifyAudit } from "./trail.js";

// Filter values are identifiers like the entries themselves; a trailing `*` matches a prefix.
const textMatch = z
  .string()
  .regex(/^[A-Za-z0-9._:@|/+=#-]{1,200}\*?$/, "an identifier, optionally ending in * for a prefix")
  .transform((v): TextMatch => (v.endsWith("*") ? { value: v.slice(0, -1), prefix: true } : { value: v, prefix: false }))
  .refine((m) => m.value.length > 0, "a prefix needs at least one character before *");

// A time is epoch milliseconds or an ISO 8601 date-time with its offset (2026-01-31T09:00:00Z).
const time = z.union([
  z.string().regex(/^\d{1,15}$/).transform(Number),
  z.iso.datetime({ offset: true }).transform((v) => Date.parse(v)),
], { error: "epoch milliseconds or an ISO 8601 date-time such as 2026-01-31T09:00:00Z" });

const auditQuery = z
  .strictObject({
    actor: textMatch.optional(),
    action: textMatch.optional(),
    target: textMatch.optional(),
    from: time.optional(),
    to: time.optional(),
    before: z.string().regex(/^[1-9]\d{0,14}$/, "a sequence number").transform(Number).optional(),
    limit: z.string().regex(/^\d{1,3}$/, "a number from 1 to 200").transform(Number).pipe(z.number().min(1, "at least 1").max(200, "at most 200")).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { path: ["to"], message: "must be later than from" });

/** The API form of an entry: the stored fields, its time in ISO 8601, and an agent actor's display name. */
function present(r: AuditRecord, names: ReadonlyMap<string, string>) {
  const actorName = names.get(agentIdOf(r.actor) ?? "");
  return { ...r, time: new Date(r.at).toISOString(), ...(actorName ? { actorName } : {}) };
}

/** `agent:<id>` actors are shown by name (the entry itself keeps the id: the chain hashes it). */
function agentIdOf(actor: string): string | undefined {
  return actor.startsWith("agent:") ? actor.slice("agent:".length) : undefined;
}

/**
 * GET /api/v1/audit: audit entries, newest first, filtered by actor, action, target (exact, or a
 * prefix ending in `*`) and time (`from` inclusive, `to` exclusive); `before` and `limit` page.
 * Reading the trail is itself audited: `audit:read` is in access.yaml `auditedActions`, so the
 * route guard records every call.
 */
export const listAudit = defineRoute({
  method: "GET",
  path: "/api/v1/audit",
  access: { action: "audit:read" },
  handler: async (ctx, { storage }) => {
    const q = parseQuery(ctx.querystring, auditQuery);
    const page = await searchAudit(storage.db, q, { before: q.before, limit: q.limit ?? 50 });
    ctx.set("Cache-Control", "no-store");
    const names = await agentNames(storage.db, page.entries.flatMap((e) => agentIdOf(e.actor) ?? []));
    ctx.body = { entries: page.entries.map((e) => present(e, names)), nextBefore: page.nextBefore };
  },
});

/** GET /api/v1/audit/verify: walks the whole chain; `ok`, or the first broken link with its sequence number and why. */
export const verifyAuditRoute = defineRoute({
  method: "GET",
  path: "/api/v1/audit/verify",
  access: { action: "audit:read" },
  handler: async (ctx, { storage }) => {
    const result = await verifyAudit(storage.db);
    ctx.set("Cache-Control", "no-store");
    ctx.body = { ...result, checkedAt: Date.now() };
  },
});

export const auditRoutes: readonly RouteDef<unknown>[] = [listAudit, verifyAuditRoute] as readonly RouteDef<unknown>[];
