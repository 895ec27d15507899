import type { MfaRules } from "../identity-policy.js";

/** MFA is required for every agent, admins included; policy may let an IdP-asserted `amr` count. */
export function sessionSatisfiesMfa(rules: MfaRules, amr: readonly string[]): boolean {
  return rules.acceptIdpAmr && amr.some((m) => rules.idpAmrValues.includes(m));
}
