import { AirlockError } from "../../errors.js";
import type { RequestState } from "../../http/context.js";
import type { StoredSession } from "../session-store.js";

/** The session of a signed-in agent who still owes the second factor. */
export function pendingSession(state: RequestState): StoredSession {
  const s = state.session;
  if (!s) throw new AirlockError("unauthenticated", "sign in first", { details: { reason: "no_session" } });
  if (s.state !== "pending_mfa") throw new AirlockError("conflict", "the second factor is already satisfied", { details: { reason: "mfa_done" } });
  return s;
}

/** The session of a fully signed-in agent. */
export function activeSession(state: RequestState): StoredSession {
  const s = state.session;
  if (!s || s.state !== "active") throw new AirlockError("unauthenticated", "sign in first", { details: { reason: "no_session" } });
  return s;
}
