import { isIP } from "node:net";
import { z } from "zod";

// Audit entries hold identifiers, never free text: every field is a short token without spaces,
// so page content or chat text cannot end up in the trail by accident.
const token = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9._:@|/+=#-]+$/, "identifiers only (no spaces or free text)");

export const auditDecisions = ["allow", "deny", "success", "failure", "info"] as const;
export type AuditDecision = (typeof auditDecisions)[number];

export const auditEntrySchema = z.strictObject({
  /** `agent:<id>`, `visitor:<site>`, `system`, `cli`… */
  actor: token(200),
  /** A policy action (`chatlog:read`) or an event name (`auth.login`, `policy.changed`). */
  action: z.string().regex(/^[a-z][a-z0-9._:-]{0,63}$/, "lowercase action or event name"),
  target: token(200).nullish(),
  decision: z.enum(auditDecisions),
  /** The policy rule that decided, when there was a decision. */
  rule: token(128).nullish(),
  sourceAddress: z
    .string()
    .refine((a) => isIP(a) !== 0, "an IP address")
    .nullish(),
  /** Epoch milliseconds; defaults to now. */
  at: z.number().int().nonnegative().optional(),
});

export type AuditEntry = z.input<typeof auditEntrySchema>;

/** The stored form of one entry, as hashed and exported. */
export interface AuditRecord {
  readonly seq: number;
  readonly at: number;
  readonly actor: string;
  readonly action: string;
  readonly target: string | null;
  readonly decision: string;
  readonly rule: string | null;
  readonly sourceAddress: string | null;
  readonly prevHash: string;
  readonly hash: string;
}
