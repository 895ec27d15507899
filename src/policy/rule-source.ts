import type { Policy, PolicyFileKey } from "./schema/index.js";
import { policyFiles } from "./schema/index.js";

/** Where a decision's rule is written: its file, the field inside it, and that field's content. */
export interface RuleSource {
  readonly file: string;
  readonly field: string;
  readonly content: unknown;
}

/**
 * Finds the policy text behind a rule id from a decision (`access.roles.agent`,
 * `condition.view-needs-consent`, `network.agentAllowlist`…). Built-in steps (`default-deny`,
 * `unknown-action`, `unauthenticated`, `agent-only`, `visitor-only`, `sites.unknown-site`) are
 * Airlock's own rules and have no file: undefined.
 */
export function ruleSource(policy: Policy, rule: string): RuleSource | undefined {
  const at = (key: PolicyFileKey, field: string, content: unknown): RuleSource | undefined =>
    content === undefined ? undefined : { file: policyFiles[key].file, field, content };

  const role = /^access\.roles\.(.+)$/.exec(rule)?.[1];
  if (role !== undefined) return at("access", `roles.${role}`, lookup(policy.access.roles, role));
  const condition = /^condition\.(.+)$/.exec(rule)?.[1];
  if (condition !== undefined) {
    const index = policy.access.conditions.findIndex((c) => c.id === condition);
    return index < 0 ? undefined : at("access", `conditions[${index}]`, policy.access.conditions[index]);
  }
  if (rule === "session.mfa") return at("session", "mfa", policy.session.mfa);
  if (rule === "network.agentAllowlist") return at("network", "agentAllowlist", policy.network.agentAllowlist);
  const mode = /^cobrowse\.modes\.(view|control)$/.exec(rule)?.[1] as "view" | "control" | undefined;
  if (mode) return at("cobrowse", `modes.${mode}`, policy.cobrowse.modes[mode]);
  const consent = /^cobrowse\.consent\.(view|control)$/.exec(rule)?.[1] as "view" | "control" | undefined;
  if (consent) return at("cobrowse", `consent.${consent}`, policy.cobrowse.consent[consent]);
  if (rule === "cobrowse.canvas") return at("cobrowse", "canvas", policy.cobrowse.canvas);
  if (rule === "sites.unknown-site") return undefined;
  const site = /^sites\.(.+?)(\.origins|\.agentRoles)?$/.exec(rule)?.[1];
  if (site !== undefined) return at("sites", `sites.${site}`, lookup(policy.sites.sites, site));
  return undefined;
}

function lookup<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
