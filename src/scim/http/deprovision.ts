import type { ScimRequest } from "./scim-route.js";

/**
 * A deactivated or deleted user's agent loses every login session now. Each end is audited and
 * announced on the bus, so every replica closes that agent's sockets (account_deactivated).
 */
export async function endAgentSessions(r: ScimRequest, agentId: string | null): Promise<void> {
  if (agentId) await r.services.identity.sessions.endAllForAgent(agentId, "deprovisioned");
}
