import type { GroupChange } from "../agent-link.js";
import type { ScimRequest } from "./scim-route.js";

/**
 * A deactivated or deleted user's agent loses every login session now. Each end is audited and
 * announced on the bus, so every replica closes that agent's sockets (account_deactivated).
 */
export async function endAgentSessions(r: ScimRequest, agentId: string | null): Promise<void> {
  if (agentId) await r.services.identity.sessions.endAllForAgent(agentId, "deprovisioned");
}

/**
 * Agents who lost a role through a group change lose their sessions too: an open socket keeps the
 * roles it was opened with, so it must not outlive them. Gaining a role needs nothing (it applies
 * at the next request).
 */
export async function endSessionsOfDemoted(r: ScimRequest, changes: readonly GroupChange[]): Promise<void> {
  const policy = r.services.identity.policy;
  for (const change of changes) {
    const after = new Set(policy.rolesForGroups(change.after));
    if (policy.rolesForGroups(change.before).some((role) => !after.has(role))) await r.services.identity.sessions.endAllForAgent(change.agentId, "roles_changed");
  }
}
