import { DOCUMENT_NODE_ID } from "../../protocol/node-id.js";
import type { MutationOp } from "../../protocol/visitor-messages.js";
import { fail, type Failure } from "../failure.js";
import type { ShadowIndex } from "../shadow-index.js";
import { check } from "./check.js";

function known(index: ShadowIndex, id: number, allowDocument: boolean): Failure | undefined {
  if (allowDocument && id === DOCUMENT_NODE_ID) return undefined;
  const node = index.get(id);
  if (!node) return fail("unknown_node", `no node ${id} in this session`);
  if (node.masked) return fail("node_masked", `node ${id} is masked`);
  return undefined;
}

/** The message's `id` names a known, unmasked element (0 = document allowed). */
export const targetKnownOrDocument = check<{ id: number }>("node", ({ room: session, message }) => known(session.index, message.id, true));

/** The message's `id` names a known, unmasked element. */
export const targetKnown = check<{ id: number }>("node", ({ room: session, message }) => known(session.index, message.id, false));

/** The control event's node exists, is not masked or nosync, and is no password or card field. */
export const eventTargetKnown = check<{ event: { id: number; type: string } }>("node", ({ room: session, message }) => {
  const { id, type } = message.event;
  const failure = known(session.index, id, type === "scroll");
  if (failure) return failure;
  return session.index.isProtected(id) ? fail("node_masked", `node ${id} is a password or payment-card field`) : undefined;
});

/**
 * One operation of a mutation batch names known, unmasked nodes. A removal is the exception: a
 * page can remove a node inside a subtree it removed earlier in the same batch (the session dropped
 * it with that subtree), and removing a masked placeholder reveals nothing; the session skips
 * removals of nodes it no longer has instead of failing the rest of the batch.
 */
export function opTargetKnown(index: ShadowIndex, op: MutationOp): Failure | undefined {
  if (op.op === "remove") return undefined;
  if (op.op !== "add") return known(index, op.id, false);
  return known(index, op.parent, false) ?? (op.before === null ? undefined : known(index, op.before, false));
}
