import { AirlockError } from "../../errors.js";
import { defineRoute, pathParam } from "../../http/route.js";

/** GET /api/v1/sessions: every live agent session (admins). Refs are hashes, never cookie values. */
export const listSessions = defineRoute({
  method: "GET",
  path: "/api/v1/sessions",
  access: { action: "sessions:manage" },
  handler: async (ctx, { identity }) => {
    const sessions = await identity.sessions.listAll();
    ctx.body = {
      sessions: sessions.map((s) => ({
        ref: s.ref,
        agentId: s.agentId,
        agentName: s.agentName,
        agentSubject: s.agentSubject,
        state: s.state,
        createdAt: s.createdAt,
        lastSeenAt: s.lastSeenAt,
        current: s.ref === ctx.state.principal?.sessionId,
      })),
    };
  },
});

/** DELETE /api/v1/sessions/:ref: an admin ends a session; its sockets close. */
export const endSession = defineRoute({
  method: "DELETE",
  path: "/api/v1/sessions/:ref",
  access: { action: "sessions:manage" },
  handler: async (ctx, { identity }) => {
    const ref = pathParam(ctx, "ref");
    if (!/^[0-9a-f]{64}$/.test(ref)) throw new AirlockError("bad_request", "not a session reference");
    const actorAgentId = ctx.state.principal?.agentId;
    const ended = await identity.sessions.end(ref, "admin", actorAgentId ? { actorAgentId } : {});
    if (!ended) throw new AirlockError("not_found", "no such session");
    ctx.status = 204;
  },
});
