import { ROLES, isAction, isVisitorAction, type Action, type AgentAction, type Role, type VisitorAction } from "./actions.js";
import { addressInRanges } from "./cidr.js";
import type { Decision, PolicyContext, TraceStep } from "./decision.js";
import type { AccessCondition } from "./schema/access.js";
import type { Policy } from "./schema/index.js";

export interface Evaluation {
  readonly decision: Decision;
  readonly trace: readonly TraceStep[];
}

const authorizationAsvs = ["V8.1.1", "V8.2.1", "V8.3.1"] as const;

/**
 * Decides one action in one context against one policy. Deny by default: each step either passes
 * or denies, and only the final step, a role that grants the action (or a registered site for a
 * visitor), allows. Every step is recorded so a decision can be explained.
 */
export function evaluate(policy: Policy, action: string, context: PolicyContext): Evaluation {
  const trace: TraceStep[] = [];
  const deny = (rule: string, reason: string, asvs: readonly string[]): Evaluation => {
    trace.push({ rule, outcome: "deny", reason });
    return { decision: { allow: false, rule, reason, asvs }, trace };
  };
  const allow = (rule: string, reason: string, asvs: readonly string[]): Evaluation => {
    trace.push({ rule, outcome: "allow", reason });
    return { decision: { allow: true, rule, reason, asvs }, trace };
  };
  const pass = (rule: string, reason: string) => trace.push({ rule, outcome: "pass", reason });

  if (!isAction(action)) return deny("unknown-action", `"${action}" is not an Airlock action`, authorizationAsvs);
  pass("known-action", `${action} is an Airlock action`);
  return isVisitorAction(action)
    ? visitorSteps(policy, action, context, { deny, allow, pass })
    : agentSteps(policy, action, context, { deny, allow, pass });
}

interface Steps {
  deny(rule: string, reason: string, asvs: readonly string[]): Evaluation;
  allow(rule: string, reason: string, asvs: readonly string[]): Evaluation;
  pass(rule: string, reason: string): void;
}

function agentSteps(policy: Policy, action: AgentAction, ctx: PolicyContext, s: Steps): Evaluation {
  if (ctx.actor === "visitor") return s.deny("agent-only", `${action} is an agent action; visitors never get it`, authorizationAsvs);
  if (ctx.roles === undefined) return s.deny("unauthenticated", "no authenticated agent", ["V8.2.1", "V7.2.1"]);
  s.pass("authenticated", `agent ${ctx.subject ?? "(unnamed)"} with roles [${ctx.roles.join(", ")}]`);

  const { mfa } = policy.session;
  if (ctx.mfa !== true && !mfa.allowedBeforeMfa.includes(action)) {
    return s.deny("session.mfa", "the second factor is not satisfied yet", mfa.asvs);
  }
  s.pass("session.mfa", ctx.mfa === true ? "second factor satisfied" : `${action} is allowed before the second factor`);

  const net = policy.network.agentAllowlist;
  if (ctx.sourceAddress === undefined) return s.deny("network.agentAllowlist", "no source address given", net.asvs);
  if (!addressInRanges(ctx.sourceAddress, net.cidrs)) {
    return s.deny("network.agentAllowlist", `source address ${ctx.sourceAddress} is outside the agent network allowlist`, net.asvs);
  }
  s.pass("network.agentAllowlist", `source address ${ctx.sourceAddress} is in the agent network allowlist`);

  const siteDenial = agentSiteDenial(policy, ctx, s);
  if (siteDenial) return siteDenial;

  const granting = ROLES.find((r) => ctx.roles?.includes(r) && policy.access.roles[r]?.permissions.includes(action));
  if (!granting) {
    return s.deny("default-deny", `no rule grants ${action} to roles [${ctx.roles.join(", ")}]`, authorizationAsvs);
  }
  const roleRule = policy.access.roles[granting];
  s.pass(`access.roles.${granting}`, `role ${granting} grants ${action}`);

  const modeDenial = cobrowseModeDenial(policy, action);
  if (modeDenial) return s.deny(modeDenial.rule, modeDenial.reason, policy.cobrowse.modes.asvs);

  for (const condition of policy.access.conditions.filter((c) => c.actions.includes(action))) {
    const unmet = unmetRequirement(policy, condition, ctx);
    if (unmet) return s.deny(`condition.${condition.id}`, unmet, condition.asvs);
    s.pass(`condition.${condition.id}`, "requirements met");
  }
  return s.allow(`access.roles.${granting}`, `role ${granting} grants ${action}`, roleRule?.asvs ?? authorizationAsvs);
}

/** An action about a site (the context names one): the site is registered and the agent's roles serve it. */
function agentSiteDenial(policy: Policy, ctx: PolicyContext, s: Steps): Evaluation | undefined {
  if (ctx.siteId === undefined) return undefined;
  const site = Object.hasOwn(policy.sites.sites, ctx.siteId) ? policy.sites.sites[ctx.siteId] : undefined;
  if (!site) return s.deny("sites.unknown-site", "the action names no registered site", ["V4.4.2", "V8.2.1"]);
  if (site.agentRoles && !site.agentRoles.some((r) => ctx.roles?.includes(r))) {
    return s.deny(`sites.${ctx.siteId}.agentRoles`, `site ${ctx.siteId} is served by [${site.agentRoles.join(", ")}], not by roles [${ctx.roles?.join(", ") ?? ""}]`, site.asvs);
  }
  s.pass(`sites.${ctx.siteId}.agentRoles`, site.agentRoles ? `roles [${ctx.roles?.join(", ") ?? ""}] serve site ${ctx.siteId}` : `site ${ctx.siteId} is served by every role`);
  return undefined;
}

function cobrowseModeDenial(policy: Policy, action: AgentAction): { rule: string; reason: string } | undefined {
  const { modes } = policy.cobrowse;
  if (action === "cobrowse:control" && !modes.control.enabled) return { rule: "cobrowse.modes.control", reason: "control mode is disabled" };
  if ((action === "cobrowse:view" || action === "cobrowse:join" || action === "cobrowse:invite") && !modes.view.enabled) {
    return { rule: "cobrowse.modes.view", reason: "co-browsing is disabled" };
  }
  return undefined;
}

function unmetRequirement(policy: Policy, condition: AccessCondition, ctx: PolicyContext): string | undefined {
  const req = condition.require;
  if (req.assigned && ctx.assigned !== true) {
    const exempt = condition.assignmentExemptRoles.some((r: Role) => ctx.roles?.includes(r));
    if (!exempt) return "the agent is not assigned to this conversation";
  }
  if (req.grantedMode === "control" && ctx.grantedMode !== "control") return "the visitor has not granted control mode";
  if (req.grantedMode === "view" && ctx.grantedMode !== "view" && ctx.grantedMode !== "control") {
    return "the visitor has not granted a co-browse mode";
  }
  if (req.consent && policy.cobrowse.consent[req.consent].required && ctx.visitorConsent?.[req.consent] !== true) {
    return `the visitor has not consented to ${req.consent} mode`;
  }
  return undefined;
}

function visitorSteps(policy: Policy, action: VisitorAction, ctx: PolicyContext, s: Steps): Evaluation {
  if (ctx.actor !== "visitor") return s.deny("visitor-only", `${action} is a visitor action`, authorizationAsvs);
  const site = ctx.siteId === undefined ? undefined : policy.sites.sites[ctx.siteId];
  if (!site || ctx.siteId === undefined || !Object.hasOwn(policy.sites.sites, ctx.siteId)) {
    return s.deny("sites.unknown-site", "the connection names no registered site", ["V4.4.2", "V8.2.1"]);
  }
  if (ctx.origin === undefined || !site.origins.includes(ctx.origin)) {
    return s.deny(`sites.${ctx.siteId}.origins`, `origin ${ctx.origin ?? "(none)"} is not registered for site ${ctx.siteId}`, site.asvs);
  }
  s.pass(`sites.${ctx.siteId}.origins`, `origin ${ctx.origin} is registered for site ${ctx.siteId}`);
  if (action === "visitor:share" || action === "visitor:share-canvas") {
    const consent = policy.cobrowse.consent.view;
    if (consent.required && ctx.visitorConsent?.view !== true) {
      return s.deny("cobrowse.consent.view", "the visitor has not consented to share the page", consent.asvs);
    }
    s.pass("cobrowse.consent.view", "the visitor consented to share the page");
  }
  if (action === "visitor:share-canvas") {
    const { canvas } = policy.cobrowse;
    if (!canvas.enabled) return s.deny("cobrowse.canvas", "canvas images are disabled", canvas.asvs);
    s.pass("cobrowse.canvas", "canvas images are enabled");
  }
  return s.allow(`sites.${ctx.siteId}`, `registered site ${ctx.siteId} may ${action.slice("visitor:".length)}`, site.asvs);
}

export type { Action };
