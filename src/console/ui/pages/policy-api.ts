import * as z from "zod/mini";

// The answers of GET /api/v1/policy and GET /api/v1/policy/explain, as the console reads them.

export const effectivePolicySchema = z.object({
  hash: z.string(),
  loadedAt: z.number(),
  files: z.array(z.object({ key: z.string(), file: z.string(), source: z.enum(["shipped", "policyDir"]), content: z.unknown() })),
  roles: z.array(z.string()),
  actions: z.array(z.object({ action: z.string(), description: z.string(), audited: z.boolean() })),
});
export type EffectivePolicy = z.infer<typeof effectivePolicySchema>;

export const explanationSchema = z.object({
  action: z.string(),
  decision: z.object({ allow: z.boolean(), rule: z.string(), reason: z.string(), asvs: z.array(z.string()) }),
  trace: z.array(z.object({ rule: z.string(), outcome: z.enum(["pass", "allow", "deny", "skip"]), reason: z.string() })),
  policyHash: z.string(),
  ruleSource: z.nullable(z.object({ file: z.string(), field: z.string(), content: z.unknown() })),
});
export type Explanation = z.infer<typeof explanationSchema>;

/** The facts the explain form can set; the server fills in the rest (MFA passed, the caller's address). */
export interface ExplainFacts {
  readonly role: string;
  readonly action: string;
  readonly mfa: boolean;
  readonly assigned: boolean;
  readonly grantedMode: "" | "view" | "control";
  readonly consentView: boolean;
  readonly consentControl: boolean;
  readonly siteId: string;
  readonly origin: string;
}

export function explainPath(f: ExplainFacts): string {
  const visitor = f.action.startsWith("visitor:");
  const context = visitor
    ? { visitorConsent: { view: f.consentView }, ...(f.siteId ? { siteId: f.siteId } : {}), ...(f.origin ? { origin: f.origin } : {}) }
    : {
        mfa: f.mfa,
        assigned: f.assigned,
        grantedMode: f.grantedMode === "" ? null : f.grantedMode,
        visitorConsent: { view: f.consentView, control: f.consentControl },
      };
  const params = new URLSearchParams({ action: f.action, context: JSON.stringify(context) });
  if (!visitor && f.role) params.set("role", f.role);
  return `/api/v1/policy/explain?${params.toString()}`;
}
