import type { Role } from "../policy/actions.js";
import type { Principal } from "../policy/principal.js";
import type { Agent } from "./agents.js";
import type { IdentityPolicy } from "./identity-policy.js";

/**
 * The agent behind a request, set on ctx.state.principal by the identity middleware for every
 * live session. `mfa` is false until the second factor is satisfied; the policy engine then
 * allows only the actions session.yaml lists under `allowedBeforeMfa`.
 */
export interface SignedInAgent extends Principal {
  readonly kind: "agent";
  /** Airlock's agent id (also `subject`, the id the policy engine and audit trail use). */
  readonly agentId: string;
  readonly issuer: string;
  /** The IdP's `sub` for this agent. */
  readonly idpSubject: string;
  readonly name: string;
  readonly email: string | null;
  readonly roles: readonly Role[];
  /** Actions the policy grants these roles (what the console may offer). */
  readonly permissions: readonly string[];
}

/** `agent` signed in with the login session `sessionRef`, with roles and permissions from the policy. */
export function signedInAgent(policy: IdentityPolicy, agent: Agent, sessionRef: string, mfa: boolean): SignedInAgent {
  const roles = policy.rolesForGroups(agent.groups);
  return {
    kind: "agent",
    subject: agent.id,
    agentId: agent.id,
    sessionId: sessionRef,
    mfa,
    issuer: agent.issuer,
    idpSubject: agent.subject,
    name: agent.name,
    email: agent.email,
    roles,
    permissions: policy.permissionsFor(roles),
  };
}
