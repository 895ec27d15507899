import type { Document, LineCounter } from "yaml";
import type { PolicyIssue } from "./errors.js";
import type { Policy, PolicyFileKey } from "./schema/index.js";
import { routingIssues } from "./routing-checks.js";
import { webhookIssues } from "../webhooks/policy-checks.js";
import { fieldName, locate, type FieldPath } from "./yaml-locate.js";

export interface Located {
  readonly file: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/** Rules that span fields or files, or depend on the mode (production refuses dev conveniences). */
export function crossFileIssues(policy: Policy, located: Record<PolicyFileKey, Located>, mode: "dev" | "production"): PolicyIssue[] {
  const issues: PolicyIssue[] = [];
  const at = (key: PolicyFileKey, path: FieldPath, message: string) => {
    const { file, doc, lines } = located[key];
    issues.push({ file, ...locate(doc, lines, path), field: fieldName(path), message });
  };

  const seenKeys = new Map<string, string>();
  const seenOrigins = new Map<string, string>();
  for (const [id, site] of Object.entries(policy.sites.sites)) {
    const other = seenKeys.get(site.siteKey);
    if (other) at("sites", ["sites", id, "siteKey"], `site key already used by site ${other}`);
    seenKeys.set(site.siteKey, id);
    site.origins.forEach((origin, i) => {
      const path = ["sites", id, "origins", i];
      if (origin.includes("*")) at("sites", path, `wildcard origins are not allowed: ${origin}`);
      else if (mode === "production" && !origin.startsWith("https://")) at("sites", path, `production mode requires https origins: ${origin}`);
      const owner = seenOrigins.get(origin);
      if (owner) at("sites", path, `origin already registered for site ${owner}`);
      seenOrigins.set(origin, id);
    });
  }

  const conditionIds = new Set<string>();
  policy.access.conditions.forEach((c, i) => {
    if (conditionIds.has(c.id)) at("access", ["conditions", i, "id"], `duplicate condition id: ${c.id}`);
    conditionIds.add(c.id);
  });

  routingIssues(policy, (path, message) => at("routing", path, message));
  webhookIssues(policy.webhooks, mode, (path, message) => at("webhooks", path, message));

  const { mfa } = policy.session;
  if (mfa.methods.includes("idp-amr") && mfa.acceptedAmr.length === 0) {
    at("session", ["mfa", "acceptedAmr"], "idp-amr needs at least one accepted amr value (e.g. mfa, otp, hwk)");
  }
  if (mfa.allowedBeforeMfa.some((a) => a !== "mfa:manage" && a !== "console:use")) {
    at("session", ["mfa", "allowedBeforeMfa"], "only mfa:manage and console:use may be allowed before the second factor");
  }
  if (policy.access.roles.admin && !policy.access.roles.admin.permissions.length) {
    // An empty admin role is legal (deny by default); nothing to check here.
  }
  return issues;
}
