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
