import * as z from "zod/mini";

// The answers of GET /api/v1/audit and GET /api/v1/audit/verify, as the console reads them.

export const auditPageSchema = z.object({
  entries: z.array(
    z.object({
      seq: z.number(),
      at: z.number(),
      actor: z.string(),
      /** An agent actor's display name (the IdP's name claim). */
      actorName: z.optional(z.string()),
      action: z.string(),
      target: z.nullable(z.string()),
      decision: z.string(),
      rule: z.nullable(z.string()),
      sourceAddress: z.nullable(z.string()),
      hash: z.string(),
    }),
  ),
  nextBefore: z.nullable(z.number()),
});
export type AuditEntry = z.infer<typeof auditPageSchema>["entries"][number];

export const verifySchema = z.union([
  z.object({ ok: z.literal(true), entries: z.number(), headSeq: z.number(), headHash: z.string(), checkedAt: z.number() }),
  z.object({ ok: z.literal(false), entries: z.number(), brokenAt: z.number(), reason: z.string(), checkedAt: z.number() }),
]);
export type VerifyOutcome = z.infer<typeof verifySchema>;

/** The filters as the console keeps them in its own URL (`from`/`to` as the date-time fields show them). */
export interface AuditFilters {
  readonly actor: string;
  readonly action: string;
  readonly target: string;
  readonly from: string;
  readonly to: string;
}

export const filterNames = ["actor", "action", "target", "from", "to"] as const;

export function filtersFrom(query: URLSearchParams): AuditFilters {
  const get = (name: (typeof filterNames)[number]) => query.get(name)?.trim() ?? "";
  return { actor: get("actor"), action: get("action"), target: get("target"), from: get("from"), to: get("to") };
}

/** The API path for one page: local date-times become ISO 8601 instants. */
export function auditPath(f: AuditFilters, before: number | null, limit: number): string {
  const params = new URLSearchParams({ limit: String(limit) });
  for (const name of ["actor", "action", "target"] as const) if (f[name]) params.set(name, f[name]);
  for (const name of ["from", "to"] as const) {
    const t = f[name] ? new Date(f[name]) : undefined;
    if (t) params.set(name, Number.isNaN(t.getTime()) ? f[name] : t.toISOString());
  }
  if (before !== null) params.set("before", String(before));
  return `/api/v1/audit?${params.toString()}`;
}
