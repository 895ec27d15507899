import type { RouteDef } from "../../http/route.js";
import { backchannelLogout, callback, login, logout } from "./login-routes.js";
import { me, wsTicket } from "./me-routes.js";
import { beginEnrollment, challenge, confirmEnrollment, enrollmentQr, recovery, regenerateRecoveryCodes, resetMfa } from "./mfa-routes.js";
import { endSession, listSessions } from "./session-admin-routes.js";

/** Every route of agent identity (login, MFA, me, tickets, session admin). */
export const identityRoutes: readonly RouteDef<unknown>[] = [
  login,
  callback,
  logout,
  backchannelLogout,
  me,
  wsTicket,
  beginEnrollment,
  enrollmentQr,
  confirmEnrollment,
  challenge,
  recovery,
  resetMfa,
  regenerateRecoveryCodes,
  listSessions,
  endSession,
] as readonly RouteDef<unknown>[];
