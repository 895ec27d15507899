import { isRole, type Role } from "./actions.js";

/**
 * The authenticated agent behind a request or socket. The identity layer sets it on
 * `ctx.state.principal` once a login session is valid; without one, non-public routes answer 401.
 */
export interface Principal {
  /** Stable agent id: the identity layer derives it from (issuer, sub). */
  readonly subject: string;
  readonly roles: readonly Role[];
  /** The server-side login session this principal comes from. */
  readonly sessionId: string;
  /** True once the second factor (TOTP, or IdP-asserted amr where policy allows) is satisfied. */
  readonly mfa: boolean;
}

/**
 * Reads the principal the identity layer put on the request state, checking its shape at run
 * time: a malformed principal counts as none (401), and a missing `mfa` flag counts as not
 * satisfied, so nothing here can fail open.
 */
export function principalFromState(state: { readonly principal?: unknown }): Principal | undefined {
  const p = state.principal as Partial<Record<keyof Principal, unknown>> | undefined;
  if (!p || typeof p !== "object") return undefined;
  if (typeof p.subject !== "string" || p.subject === "" || !Array.isArray(p.roles)) return undefined;
  const roles = p.roles.filter((r): r is Role => isRole(r));
  return { subject: p.subject, roles, sessionId: typeof p.sessionId === "string" ? p.sessionId : "", mfa: p.mfa === true };
}
