// Stable numeric ids for the elements the script has serialized. Ids are per page load and
// never reused; the relay and the agent viewer address elements by them (control events,
// mutations). Text nodes have no ids: their element carries them.

export class NodeMirror {
  #next = 1;
  #ids = new WeakMap<Node, number>();
  #nodes = new Map<number, WeakRef<Node>>();

  idOf(node: Node): number | undefined {
    return this.#ids.get(node);
  }

  assign(node: Node): number {
    const known = this.#ids.get(node);
    if (known !== undefined) return known;
    const id = this.#next++;
    this.#ids.set(node, id);
    this.#nodes.set(id, new WeakRef(node));
    if (id % 20_000 === 0) this.#prune();
    return id;
  }

  /** An id for serialized content that has no node of its own (constructed stylesheets). */
  reserve(): number {
    return this.#next++;
  }

  /** The live node for an id, if it still exists and is still in a document. */
  nodeOf(id: number): Node | undefined {
    const node = this.#nodes.get(id)?.deref();
    if (!node || !node.isConnected) return undefined;
    return node;
  }

  /** Forgets a removed subtree's ids (they are never handed out again). */
  forget(node: Node): void {
    const id = this.#ids.get(node);
    if (id === undefined) return;
    this.#ids.delete(node);
    this.#nodes.delete(id);
  }

  #prune(): void {
    for (const [id, ref] of this.#nodes) if (!ref.deref()) this.#nodes.delete(id);
  }

  reset(): void {
    this.#ids = new WeakMap();
    this.#nodes.clear();
  }
}
