// What agent identity needs to know from policy. The policy engine (policies/access.yaml,
// session.yaml, network.yaml) provides these values; `shippedIdentityPolicy` mirrors the
// shipped rules so identity works on its own and in its tests.

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
  rolesForGroups(groups: readonly string[]): string[];
  permissionsFor(roles: readonly string[]): string[];
  readonly session: SessionRules;
  readonly mfa: MfaRules;
  readonly network: NetworkRules;
}

const groupRoles: Readonly<Record<string, string>> = {
  "airlock-agents": "agent",
  "airlock-agent-viewers": "agent-viewer",
  "airlock-supervisors": "supervisor",
  "airlock-auditors": "auditor",
  "airlock-admins": "admin",
};

const rolePermissions: Readonly<Record<string, readonly string[]>> = {
  agent: ["console:use", "visitors:list", "chat:answer", "cobrowse:view", "cobrowse:control"],
  "agent-viewer": ["console:use", "visitors:list", "chat:answer", "cobrowse:view"],
  supervisor: ["console:use", "visitors:list", "chat:answer", "chat:takeover", "cobrowse:view", "queues:watch"],
  auditor: ["console:use", "chatlog:read", "audit:read", "policy:read"],
  admin: ["console:use", "sessions:list", "sessions:end", "audit:read", "policy:read"],
};

export const shippedIdentityPolicy: IdentityPolicy = {
  rolesForGroups: (groups) => [...new Set(groups.flatMap((g) => (groupRoles[g] ? [groupRoles[g]] : [])))],
  permissionsFor: (roles) => [...new Set(roles.flatMap((r) => rolePermissions[r] ?? []))].sort(),
  session: { idleTimeoutMs: 30 * 60_000, absoluteTimeoutMs: 10 * 3600_000, wsTicketTtlMs: 30_000, reauthWindowMs: 5 * 60_000 },
  mfa: { acceptIdpAmr: false, idpAmrValues: ["mfa", "otp", "hwk"], maxFailures: 5, lockoutBaseMs: 60_000, lockoutMaxMs: 3600_000 },
  network: { agentCidrs: ["127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"], trustedProxies: [] },
};
