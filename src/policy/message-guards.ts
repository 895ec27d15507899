import { isAction, type Action } from "./actions.js";

/** Which connection a WebSocket message arrives on. */
export type MessageSide = "visitor" | "agent";

/** One side's message kinds, each with the policy action it needs. */
export interface GuardTable {
  readonly kinds: readonly string[];
  readonly actions: ReadonlyMap<string, Action>;
}

/**
 * Declares the action every message kind of one side needs. `kinds` is the protocol's complete
 * list of kinds for that side; `table` must name an action for each (the type makes a missing kind
 * a compile error, and this refuses one at run time).
 */
export function guardTable<K extends string>(side: MessageSide, kinds: readonly K[], table: Readonly<Record<K, Action>>): GuardTable {
  const actions = new Map<string, Action>();
  const missing: string[] = [];
  for (const kind of kinds) {
    const action: unknown = Object.hasOwn(table, kind) ? table[kind] : undefined;
    if (isAction(action)) actions.set(kind, action);
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

  /** The action a message kind needs; undefined means the kind is unguarded and must be refused. */
  actionFor(side: MessageSide, kind: string): Action | undefined {
    return this.tables[side].actions.get(kind);
  }

  /** Kinds from `kinds` that have no valid action on `side`. */
  unguardedKinds(side: MessageSide, kinds: readonly string[]): string[] {
    return kinds.filter((k) => this.actionFor(side, k) === undefined);
  }
}
