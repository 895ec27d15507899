/** Who is making a request: set on ctx.state.principal by the session middleware once MFA is satisfied. */
export interface AgentPrincipal {
  readonly kind: "agent";
  readonly agentId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly name: string;
  readonly email: string | null;
  readonly roles: readonly string[];
  /** Actions the policy permits for these roles (what the console may offer). */
  readonly permissions: readonly string[];
  /** Opaque, non-secret reference to the session (the hash of its cookie value). */
  readonly sessionRef: string;
}
