import { z } from "zod";
import { ROLES } from "./actions.js";

/**
 * The facts a caller may give `explain` (the CLI's --context and the explain API's `context`
 * parameter): only known keys, each with its type, so a typo is an error rather than a fact the
 * engine silently ignores.
 */
export const explainContextSchema = z.strictObject({
  actor: z.enum(["agent", "visitor"]).optional(),
  roles: z.array(z.enum(ROLES)).optional(),
  subject: z.string().max(200).optional(),
  mfa: z.boolean().optional(),
  assigned: z.boolean().optional(),
  grantedMode: z.enum(["view", "control"]).nullable().optional(),
  visitorConsent: z.strictObject({ view: z.boolean().optional(), control: z.boolean().optional() }).optional(),
  sourceAddress: z.string().max(64).optional(),
  siteId: z.string().max(200).optional(),
  origin: z.string().max(300).optional(),
});

export type ExplainContextInput = z.output<typeof explainContextSchema>;
