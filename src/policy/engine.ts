import { ROLES, type Action, type AgentAction, type Role } from "./actions.js";
import type { Decision, Explanation, PolicyContext } from "./decision.js";
import { evaluate } from "./evaluate.js";
import { loadPolicy, type LoadedPolicy, type PolicySource } from "./load.js";
import type { Policy } from "./schema/index.js";

export interface ReloadOutcome {
  readonly changed: boolean;
  readonly previousHash: string;
  readonly hash: string;
}

/**
 * The one place that answers "may this happen?". Holds the effective policy; `reload()` validates
 * a new one completely before swapping it in, so an invalid file never replaces a valid policy.
 */
export class PolicyEngine {
  #current: LoadedPolicy;
  #loadedAt: number;
  readonly #source: PolicySource | undefined;

  constructor(loaded: LoadedPolicy, source?: PolicySource) {
    this.#current = loaded;
    this.#loadedAt = Date.now();
    this.#source = source;
  }

  /** Loads and validates the policy; throws PolicyError (with file, line, field) when invalid. */
  static load(source: PolicySource): PolicyEngine {
    return new PolicyEngine(loadPolicy(source), source);
  }

  get policy(): Policy {
    return this.#current.policy;
  }

  get hash(): string {
    return this.#current.hash;
  }

  get files(): LoadedPolicy["files"] {
    return this.#current.files;
  }

  /** When the effective policy was read (start, or the last successful reload), epoch ms. */
  get loadedAt(): number {
    return this.#loadedAt;
  }

  decide(action: Action, context: PolicyContext = {}): Decision {
    return evaluate(this.#current.policy, action, context).decision;
  }

  /** The decision with every step that led to it; accepts any string so unknown actions can be explained. */
  explain(action: string, context: PolicyContext = {}): Explanation {
    const { decision, trace } = evaluate(this.#current.policy, action, context);
    return { action, context, decision, trace, policyHash: this.#current.hash };
  }

  /** Re-reads the policy files; on PolicyError the previous policy stays in force and the error is thrown. */
  reload(): ReloadOutcome {
    if (!this.#source) throw new Error("this policy engine was not loaded from files and cannot reload");
    const next = loadPolicy(this.#source);
    const previousHash = this.#current.hash;
    this.#current = next;
    this.#loadedAt = Date.now();
    return { changed: next.hash !== previousHash, previousHash, hash: next.hash };
  }

  /** Roles for a set of IdP groups through access.yaml's group mapping (unknown groups give nothing). */
  rolesForGroups(groups: readonly string[]): Role[] {
    const mapping = this.#current.policy.access.groupMapping.groups;
    const roles = new Set<Role>();
    for (const g of groups) if (Object.hasOwn(mapping, g)) for (const r of mapping[g] ?? []) roles.add(r);
    return ROLES.filter((r) => roles.has(r));
  }

  /** Actions the roles' rules grant, before context conditions: what the console may offer. */
  permissionsOf(roles: readonly Role[]): AgentAction[] {
    const out = new Set<AgentAction>();
    for (const r of roles) for (const a of this.#current.policy.access.roles[r]?.permissions ?? []) out.add(a);
    return [...out].sort();
  }

  /** Whether decisions on this action are written to the audit trail. */
  isAudited(action: Action): boolean {
    return (this.#current.policy.access.auditedActions.actions as readonly string[]).includes(action);
  }
}
