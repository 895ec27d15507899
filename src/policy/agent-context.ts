import { isRole } from "./actions.js";
import type { PolicyContext } from "./decision.js";

/**
 * What an agent decision knows of the agent itself, whichever way the agent came in: an HTTP
 * request (the session's principal), a co-browse seat or a chat connection (the socket's agent).
 */
export interface PolicyAgent {
  readonly subject: string;
  readonly roles: readonly string[];
  /** Whether the second factor of the agent's login session is satisfied — read from that session, never assumed. */
  readonly mfa: boolean;
  /** The client address after trusted-proxy processing (agent network allowlist); a decision without one denies. */
  readonly sourceAddress?: string | undefined;
}

/** The facts of what an action concerns (site, assignment, granted mode, consent); the agent's own facts come from the agent. */
export type AgentConcerns = Omit<PolicyContext, "actor" | "roles" | "subject" | "mfa" | "sourceAddress">;

/**
 * The one constructor of an agent's policy context: the agent's own facts (roles, subject, MFA,
 * address) always come from the agent, so no caller can assume a second factor or drop the address.
 */
export function agentPolicyContext(agent: PolicyAgent, concerns: AgentConcerns = {}): PolicyContext {
  return {
    ...concerns,
    actor: "agent",
    roles: agent.roles.filter(isRole),
    subject: agent.subject,
    mfa: agent.mfa,
    sourceAddress: agent.sourceAddress,
  };
}
