// What agent identity needs to know from policy, read from the policy engine.
import { isRole, type Role } from "../policy/actions.js";
import type { PolicyEngine } from "../policy/engine.js";

export interface SessionRules {
  readonly idleTimeoutMs: number;
  readonly absoluteTimeoutMs: number;
  /** How long a WebSocket ticket stays valid after issue. */
  readonly wsTicketTtlMs: number;
  /** A sensitive change (TOTP reset) needs a factor proven this recently in the session. */
  readonly reauthWindowMs: number;
}

export interface MfaRules {
  /** When true, an ID token whose `amr` contains one of `idpAmrValues` satisfies MFA. */
  readonly acceptIdpAmr: boolean;
  readonly idpAmrValues: readonly string[];
  /** Failed TOTP attempts before a lockout. */
  readonly maxFailures: number;
  /** First lockout length; each further lockout doubles it, capped at lockoutMaxMs. */
  readonly lockoutBaseMs: number;
  readonly lockoutMaxMs: number;
}

export interface NetworkRules {
  /** Agent surfaces answer only clients inside these CIDRs. */
  readonly agentCidrs: readonly string[];
  /** Proxies whose X-Forwarded-For entries are believed. */
  readonly trustedProxies: readonly string[];
}

export interface IdentityPolicy {
  rolesForGroups(groups: readonly string[]): Role[];
  permissionsFor(roles: readonly string[]): string[];
  readonly session: SessionRules;
  readonly mfa: MfaRules;
  readonly network: NetworkRules;
}

/** Lockout parameters of the TOTP check (fixed: a policy must not be able to switch lockout off). */
export const totpLockout = { maxFailures: 5, lockoutBaseMs: 60_000, lockoutMaxMs: 3600_000 } as const;

/** Session rules with no policy knob: ticket lifetime and the re-authentication window. */
const fixedSessionRules = { wsTicketTtlMs: 30_000, reauthWindowMs: 5 * 60_000 } as const;

/**
 * Identity's view of the policy engine (policies/access.yaml, session.yaml, network.yaml). It reads
 * the engine on every use, so a policy reload (SIGHUP) takes effect for the next request.
 */
export function identityPolicyFrom(engine: PolicyEngine): IdentityPolicy {
  return {
    rolesForGroups: (groups) => engine.rolesForGroups(groups),
    permissionsFor: (roles) => engine.permissionsOf(roles.filter(isRole)),
    get session() {
      const t = engine.policy.session.timeouts;
      return { idleTimeoutMs: t.idleMinutes * 60_000, absoluteTimeoutMs: t.absoluteHours * 3600_000, ...fixedSessionRules };
    },
    get mfa() {
      const m = engine.policy.session.mfa;
      return { acceptIdpAmr: m.methods.includes("idp-amr"), idpAmrValues: m.acceptedAmr, ...totpLockout };
    },
    get network() {
      const n = engine.policy.network;
      return { agentCidrs: n.agentAllowlist.cidrs, trustedProxies: n.trustedProxies.cidrs };
    },
  };
}
