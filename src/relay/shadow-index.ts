import type { ShadowEntry } from "./sanitizer/html.js";

interface IndexedNode {
  readonly tag: string;
  parent: number;
  readonly masked: boolean;
  readonly svg: boolean;
}

/**
 * The room's in-memory view of the visitor's page structure: node id → tag, parent, masked,
 * SVG context. It holds no content (no text, no attribute values); it exists so mutations and
 * control events can be checked against the real tree.
 */
export class ShadowIndex {
  readonly #nodes = new Map<number, IndexedNode>();
  readonly #children = new Map<number, Set<number>>();

  get size(): number {
    return this.#nodes.size;
  }

  has(id: number): boolean {
    return this.#nodes.has(id);
  }

  get(id: number): Readonly<IndexedNode> | undefined {
    return this.#nodes.get(id);
  }

  add(entries: readonly ShadowEntry[]): void {
    for (const e of entries) {
      this.#nodes.set(e.id, { tag: e.tag, parent: e.parent, masked: e.masked, svg: e.svg });
      let kids = this.#children.get(e.parent);
      if (!kids) this.#children.set(e.parent, (kids = new Set()));
      kids.add(e.id);
    }
  }

  /** Removes a node and its whole subtree. */
  remove(id: number): void {
    const node = this.#nodes.get(id);
    if (node) this.#children.get(node.parent)?.delete(id);
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop() as number;
      this.#nodes.delete(next);
      const kids = this.#children.get(next);
      if (kids) {
        for (const k of kids) stack.push(k);
        this.#children.delete(next);
      }
    }
  }

  /** True when `id` is `ancestor` or lies below it. */
  isWithin(id: number, ancestor: number): boolean {
    for (let cur: number | undefined = id, guard = 0; cur !== undefined && guard < 10_000; guard++) {
      if (cur === ancestor) return true;
      cur = this.#nodes.get(cur)?.parent;
    }
    return false;
  }

  clear(): void {
    this.#nodes.clear();
    this.#children.clear();
  }
}
