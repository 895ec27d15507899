import type { ShadowEntry } from "./sanitizer/html.js";
import type { ElementView } from "./sanitizer/mask-selectors.js";
import { holdsValue } from "./sanitizer/value-masks.js";

interface IndexedNode {
  readonly tag: string;
  parent: number;
  readonly masked: boolean;
  readonly svg: boolean;
  /** Only the attributes the site's masking selectors look at (none when it has no selectors). */
  view: ElementView | undefined;
}

/**
 * The room's in-memory view of the visitor's page structure: node id → tag, parent, masked,
 * SVG context. It holds no text and no attribute values except those the site's masking
 * selectors look at (class, id, named attributes); it exists so mutations and control events can
 * be checked against the real tree, and masking re-checked when those attributes change.
 */
export class ShadowIndex {
  readonly #nodes = new Map<number, IndexedNode>();
  readonly #children = new Map<number, Set<number>>();
  /** Password and payment-card fields: shown (masked), never a control target. Sticky per node. */
  readonly #protected = new Set<number>();
  /** Form fields the page marked private (`data-airlock-mask`): their values always masked. Sticky per node. */
  readonly #private = new Set<number>();

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
      this.#nodes.set(e.id, { tag: e.tag, parent: e.parent, masked: e.masked, svg: e.svg, view: e.view });
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
      this.#protected.delete(next);
      this.#private.delete(next);
      const kids = this.#children.get(next);
      if (kids) {
        for (const k of kids) stack.push(k);
        this.#children.delete(next);
      }
    }
  }

  /** Marks a node and its whole subtree masked (as a masked snapshot element is): nothing may target them. */
  mask(id: number): void {
    const stack = [id];
    while (stack.length > 0) {
      const next = stack.pop() as number;
      const node = this.#nodes.get(next);
      if (node) this.#nodes.set(next, { ...node, masked: true, view: undefined });
      for (const k of this.#children.get(next) ?? []) stack.push(k);
    }
  }

  /** Marks a password or payment-card field: control events may not target it. */
  protect(id: number): void {
    if (this.#nodes.has(id)) this.#protected.add(id);
  }

  isProtected(id: number): boolean {
    return this.#protected.has(id);
  }

  /** Marks a form field whose value is always masked (`data-airlock-mask`). */
  markPrivate(id: number): void {
    if (this.#nodes.has(id)) this.#private.add(id);
  }

  /**
   * How the value of a form field travels to agents: `secret` (a password or payment-card field
   * or one marked private, or one that ever was; an option of such a select: always masked),
   * `typed` (input, textarea: masked when the policy masks input values), `choice` (select,
   * option: shown), undefined (not a form field, or unknown).
   */
  valueKind(id: number): "secret" | "typed" | "choice" | undefined {
    const node = this.#nodes.get(id);
    if (!node || !holdsValue(node.tag)) return undefined;
    if (this.#protected.has(id) || this.#private.has(id)) return "secret";
    if (node.tag !== "option" && node.tag !== "select") return "typed";
    // An option's choice is its select's: look up through an optgroup.
    for (let cur = node.parent, hops = 0; node.tag === "option" && hops < 2; hops++) {
      const up = this.#nodes.get(cur);
      if (!up) break;
      if (up.tag === "select") return this.#protected.has(cur) || this.#private.has(cur) ? "secret" : "choice";
      cur = up.parent;
    }
    return "choice";
  }

  childrenOf(id: number): Iterable<number> {
    return this.#children.get(id) ?? [];
  }

  setView(id: number, view: ElementView): void {
    const node = this.#nodes.get(id);
    if (node) node.view = view;
  }

  /** The views of `id`'s ancestors, outermost first; with `inclusive`, `id`'s own view last. */
  ancestorsOf(id: number, inclusive = false): ElementView[] {
    const out: ElementView[] = [];
    let cur = inclusive ? id : this.#nodes.get(id)?.parent;
    for (let guard = 0; cur !== undefined && guard < 10_000; guard++) {
      const node = this.#nodes.get(cur);
      if (!node) break;
      out.push(node.view ?? { tag: node.tag, attribs: {} });
      cur = node.parent;
    }
    return out.reverse();
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
    this.#protected.clear();
    this.#private.clear();
  }
}
