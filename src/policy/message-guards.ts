import { isAction, type Action } from "./actions.js";

/** Which connection a WebSocket message arrives on. */
export type MessageSide = "visitor" | "agent";

interface GuardTable {
  readonly kinds: readonly string[];
  readonly actions: ReadonlyMap<string, Action>;
}

const registry = new Map<MessageSide, GuardTable>();

/**
 * Declares the action every message kind of one side needs. `kinds` is the protocol's complete
 * list of kinds for that side; `table` must name an action for each (the type makes a missing kind
 * a compile error, and registration refuses one at run time). The WebSocket layer asks
 * `actionForMessage` before handling a message and refuses kinds without an action.
 */
export function defineMessageGuards<K extends string>(side: MessageSide, kinds: readonly K[], table: Readonly<Record<K, Action>>): void {
  const actions = new Map<string, Action>();
  const missing: string[] = [];
  for (const kind of kinds) {
    const action: unknown = Object.hasOwn(table, kind) ? table[kind] : undefined;
    if (isAction(action)) actions.set(kind, action);
    else missing.push(kind);
  }
  if (missing.length > 0) throw new Error(`message kinds without a policy action (${side}): ${missing.join(", ")}`);
  registry.set(side, { kinds: [...kinds], actions });
}

/** The action a message kind needs; undefined means the kind is unguarded and must be refused. */
export function actionForMessage(side: MessageSide, kind: string): Action | undefined {
  return registry.get(side)?.actions.get(kind);
}

/** Every registered side with its kinds and actions (for the enumeration test and the policy page). */
export function registeredMessageGuards(): ReadonlyMap<MessageSide, GuardTable> {
  return registry;
}

/** Kinds from `kinds` that have no valid action on `side`. */
export function unguardedKinds(side: MessageSide, kinds: readonly string[]): string[] {
  return kinds.filter((k) => actionForMessage(side, k) === undefined);
}
