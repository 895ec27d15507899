import { isAction, type Action } from "./actions.js";

/** Which connection a WebSocket message arrives on. */
export type MessageSide = "visitor" | "agent";

/**
 * A kind that asks the policy engine nothing, with the reason. Declared like an action, so a kind
 * nobody thought about is still refused (deny by default) while one that needs no decision says so.
 */
export interface AsksNoPolicy {
  readonly asksNoPolicy: string;
}

/** What a message kind needs: a policy action, or an explicit "asks no policy". */
export type MessageAccess = Action | AsksNoPolicy;

export function asksNoPolicy(why: string): AsksNoPolicy {
  return { asksNoPolicy: why };
}

export function isAsksNoPolicy(access: unknown): access is AsksNoPolicy {
  const why = (access as { asksNoPolicy?: unknown } | null)?.asksNoPolicy;
  return typeof why === "string" && why.length > 0;
}

/** One side's message kinds, each with the policy action it needs (or its "asks no policy"). */
export interface GuardTable {
  readonly kinds: readonly string[];
  readonly actions: ReadonlyMap<string, MessageAccess>;
}

/**
 * Declares the action every message kind of one side needs. `kinds` is the protocol's complete
 * list of kinds for that side; `table` must name an action for each (the type makes a missing kind
 * a compile error, and this refuses one at run time).
 */
export function guardTable<K extends string>(side: MessageSide, kinds: readonly K[], table: Readonly<Record<K, MessageAccess>>): GuardTable {
  const actions = new Map<string, MessageAccess>();
  const missing: string[] = [];
  for (const kind of kinds) {
    const action: unknown = Object.hasOwn(table, kind) ? table[kind] : undefined;
    if (isAction(action) || isAsksNoPolicy(action)) actions.set(kind, action);
    else missing.push(kind);
  }
  if (missing.length > 0) throw new Error(`message kinds without a policy action (${side}): ${missing.join(", ")}`);
  return { kinds: [...kinds], actions };
}

/**
 * The message guards of both sockets (invariant 5, deny by default): the policy action of every
 * message kind. Built once, at the composition root, from the co-browse and chat tables
 * (src/server/message-guards.ts); the sockets ask it before handling a message and refuse a kind
 * without an action. Importing a module registers nothing.
 */
export class MessageGuards {
  constructor(readonly tables: Readonly<Record<MessageSide, GuardTable>>) {}

  /** The action a message kind needs (or its "asks no policy"); undefined means the kind is unguarded and must be refused. */
  actionFor(side: MessageSide, kind: string): MessageAccess | undefined {
    return this.tables[side].actions.get(kind);
  }

  /** Kinds from `kinds` that have no valid action on `side`. */
  unguardedKinds(side: MessageSide, kinds: readonly string[]): string[] {
    return kinds.filter((k) => this.actionFor(side, k) === undefined);
  }
}
