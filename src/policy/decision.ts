import type { Role } from "./actions.js";

export type CobrowseMode = "view" | "control";

/**
 * Everything a decision may look at. Callers fill what they know; a check that needs a fact the
 * caller did not give denies (a missing fact never allows).
 */
export interface PolicyContext {
  /** Who acts: an agent (roles from the login session) or a visitor connection. Default "agent". */
  readonly actor?: "agent" | "visitor";
  readonly roles?: readonly Role[];
  readonly subject?: string;
  /** Whether the agent's second factor is satisfied. */
  readonly mfa?: boolean;
  /** Whether the agent is assigned to the conversation the action concerns. */
  readonly assigned?: boolean;
  /** The co-browse mode the visitor has granted in the session the action concerns. */
  readonly grantedMode?: CobrowseMode | null;
  /** The visitor's current consent answers. */
  readonly visitorConsent?: { readonly view?: boolean; readonly control?: boolean };
  /** Client address (after trusted-proxy processing). */
  readonly sourceAddress?: string;
  /** Registered site the action concerns (sites.yaml id). */
  readonly siteId?: string;
  /** Origin of a visitor connection. */
  readonly origin?: string;
}

export interface Decision {
  readonly allow: boolean;
  /** Id of the rule that decided, e.g. `access.roles.agent`, `default-deny`, `condition.control-needs-consent`. */
  readonly rule: string;
  readonly reason: string;
  /** OWASP ASVS 5.0 requirement ids the deciding rule serves. */
  readonly asvs: readonly string[];
}

/** One evaluated step of a decision, in order; the last step decided. */
export interface TraceStep {
  readonly rule: string;
  readonly outcome: "pass" | "allow" | "deny" | "skip";
  readonly reason: string;
}

export interface Explanation {
  readonly action: string;
  readonly context: PolicyContext;
  readonly decision: Decision;
  readonly trace: readonly TraceStep[];
  readonly policyHash: string;
}
