import type { IncomingMessage } from "node:http";
import type { Kysely } from "kysely";
import { AirlockError } from "../errors.js";
import type { Database } from "../storage/schema.js";
import { findAgent } from "./agents.js";
import type { Identity } from "./identity.js";
import { signedInAgent, type SignedInAgent } from "./principal.js";

/**
 * Authenticates a WebSocket upgrade on /ws/agent, in this order: the Origin must be the console's,
 * the client must be inside the agent network allowlist, the `ticket` query parameter must be a
 * live single-use ticket, and its session must still be active with MFA satisfied. Each failure
 * is an AirlockError whose code (its close code: src/protocol/error-codes.ts) and message make a
 * clear close reason.
 */
export function agentUpgradeAuthenticator(identity: Identity, db: Kysely<Database>): (req: IncomingMessage) => Promise<SignedInAgent> {
  return async (req) => {
    const origin = req.headers.origin;
    if (!origin || !identity.consoleOrigins.has(origin)) throw new AirlockError("origin_not_allowed", "origin is not the console");
    const forwarded = req.headers["x-forwarded-for"];
    if (!identity.agentNetworkAllows(req.socket.remoteAddress, Array.isArray(forwarded) ? forwarded.join(",") : forwarded)) {
      throw new AirlockError("forbidden", "agent access is not allowed from this network");
    }
    const ticket = new URL(req.url ?? "/", "http://ws.invalid").searchParams.get("ticket") ?? undefined;
    const sessionRef = await identity.tickets.consume(ticket);
    if (!sessionRef) throw new AirlockError("unauthenticated", "ticket missing, expired or already used");
    const session = await identity.sessions.findByRef(sessionRef);
    if (!session || session.state !== "active") throw new AirlockError("unauthenticated", "session ended");
    const rules = identity.policy.session;
    const t = identity.now();
    if (t - session.createdAt >= rules.absoluteTimeoutMs || t - session.lastSeenAt >= rules.idleTimeoutMs) throw new AirlockError("unauthenticated", "session expired");
    const agent = await findAgent(db, session.agentId);
    if (!agent) throw new AirlockError("unauthenticated", "session ended");
    return signedInAgent(identity.policy, agent, session.ref, session.state === "active");
  };
}
