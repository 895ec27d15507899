import type { ElementView, MaskMatcher } from "./mask-selectors.js";

/** The part of the room's shadow index masking needs (ShadowIndex fits). */
export interface MaskTree {
  get(id: number): { readonly tag: string; readonly masked: boolean; readonly view?: ElementView | undefined } | undefined;
  /** The element's ancestors' views, outermost first (the element itself excluded). */
  ancestorsOf(id: number): ElementView[];
  childrenOf(id: number): Iterable<number>;
  /** Records the element's masking-relevant attributes after a change. */
  setView(id: number, view: ElementView): void;
}

/**
 * Re-checks masking after an attribute change: a class, id or attribute that a masking selector
 * (or the nosync class) looks at can make the element itself, or elements below it, match. Only
 * the topmost newly matching elements are returned; their subtrees go with them.
 */
export function newlyMasked(tree: MaskTree, masks: MaskMatcher, id: number, name: string, value: string | null): number[] {
  if (!masks.attributes.has(name)) return [];
  const node = tree.get(id);
  if (!node || node.masked) return [];
  if (!masks.needsContext) {
    // Only the nosync class can match, and only on the element itself.
    return value !== null && masks.matches({ tag: node.tag, attribs: { [name]: value } }, []) ? [id] : [];
  }
  const attribs: Record<string, string> = { ...(node.view?.attribs ?? {}) };
  if (value === null) delete attribs[name];
  else attribs[name] = value;
  const view: ElementView = { tag: node.tag, attribs };
  tree.setView(id, view);
  // Selectors of one compound test the element alone: no ancestors to collect, no subtree to walk.
  if (!masks.looksAtAncestors) return masks.matches(view, []) ? [id] : [];
  const chain = tree.ancestorsOf(id);
  if (masks.matches(view, chain)) return [id];
  const found: number[] = [];
  chain.push(view);
  const visit = (parent: number) => {
    for (const child of tree.childrenOf(parent)) {
      const c = tree.get(child);
      if (!c || c.masked || !c.view) continue;
      if (masks.matches(c.view, chain)) {
        found.push(child);
        continue;
      }
      chain.push(c.view);
      visit(child);
      chain.pop();
    }
  };
  visit(id);
  return found;
}
