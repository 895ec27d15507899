import { AirlockError } from "../errors.js";
import { agentPolicyContext, type PolicyAgent } from "../policy/agent-context.js";
import type { PolicyEngine } from "../policy/engine.js";

/** The agent as a chat connection knows it (the socket's principal). */
export interface VisibilityAgent {
  readonly agentId: string;
  readonly roles: readonly string[];
  readonly mfa: boolean;
  readonly sourceAddress?: string;
}

/**
 * Whether the agent may see the site's visitors: `visitors:view` decided with the site's id, so
 * an unregistered site, or one whose `agentRoles` leave the agent's roles out, is refused.
 */
export function siteVisibleTo(policy: Pick<PolicyEngine, "decide">, agent: VisibilityAgent, site: string): boolean {
  const who: PolicyAgent = { subject: agent.agentId, roles: agent.roles, mfa: agent.mfa, sourceAddress: agent.sourceAddress };
  return policy.decide("visitors:view", agentPolicyContext(who, { siteId: site })).allow;
}

/**
 * For an HTTP route about one site's visitors: refuses (`forbidden`) a site the signed-in agent
 * may not see, with the same answer for an unregistered one.
 */
export function requireSiteVisible(policy: Pick<PolicyEngine, "decide">, principal: { readonly subject: string; readonly roles: readonly string[]; readonly mfa: boolean } | undefined, sourceAddress: string, site: string): void {
  if (!principal) throw new AirlockError("unauthenticated", "sign in first");
  if (!siteVisibleTo(policy, { agentId: principal.subject, roles: principal.roles, mfa: principal.mfa, sourceAddress }, site)) {
    throw new AirlockError("forbidden", `you may not see the visitors of site ${site}`);
  }
}
