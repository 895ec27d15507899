import * as csstree from "css-tree";
import { detached } from "./detached-string.js";

// Matches the site's masking selectors (and the `cobrowsing_nosync` class) while the HTML is
// streamed through the parser, so only an element and its open ancestors are known. Supported:
// type, #id, .class, [attr], [attr=v] (=, ~=, |=, ^=, $=, *=, `i` flag), `*`, and the
// descendant and child combinators. Anything else is refused when the policy loads.

export const NOSYNC_CLASS = "cobrowsing_nosync";

export interface ElementView {
  readonly tag: string;
  readonly attribs: Readonly<Record<string, string>>;
}

type SimpleTest = (el: ElementView) => boolean;
interface Compound {
  readonly tests: readonly SimpleTest[];
  /** How this compound relates to the one on its right. */
  readonly combinator: " " | ">";
}
type ComplexSelector = readonly Compound[]; // left to right

export class MaskSelectorError extends Error {}

export class MaskMatcher {
  readonly #selectors: readonly ComplexSelector[];
  /** Attribute names the selectors look at (`class` always, for the nosync class). */
  readonly attributes: ReadonlySet<string>;

  constructor(selectors: readonly string[]) {
    const attributes = new Set<string>(["class"]);
    this.#selectors = selectors.flatMap((s) => compileSelectorList(s, attributes));
    this.attributes = attributes;
  }

  /** Whether matching needs an element's ancestors and their attributes (site selectors exist). */
  get needsContext(): boolean {
    return this.#selectors.length > 0;
  }

  /**
   * Whether some selector looks at ancestors (has a combinator). Without one, a change to an
   * element can make only that element match, never one below it.
   */
  get looksAtAncestors(): boolean {
    return this.#selectors.some((sel) => sel.length > 1);
  }

  /**
   * What the session remembers of an element to re-check masking later: its tag and only the
   * attributes the selectors look at. Undefined when there are no site selectors (the nosync
   * class needs no memory: it is tested on the changed element itself).
   */
  viewOf(tag: string, attribs: Readonly<Record<string, string>>): ElementView | undefined {
    if (!this.needsContext) return undefined;
    const kept: Record<string, string> = {};
    for (const name of this.attributes) {
      const value = attribs[name];
      if (value !== undefined) kept[name] = detached(value);
    }
    return { tag: detached(tag), attribs: kept };
  }

  /** True when `el` (whose open ancestors, outermost first, are `ancestors`) must be masked. */
  matches(el: ElementView, ancestors: readonly ElementView[]): boolean {
    if (hasClass(el, NOSYNC_CLASS)) return true;
    for (const sel of this.#selectors) if (matchComplex(sel, sel.length - 1, el, ancestors, ancestors.length)) return true;
    return false;
  }
}

function hasClass(el: ElementView, name: string): boolean {
  const cls = el.attribs.class;
  // Checked for every element: the substring test rules out almost all of them without a split.
  return cls !== undefined && cls.includes(name) && cls.split(/[\t\n\f\r ]+/).includes(name);
}

function matchCompound(c: Compound, el: ElementView): boolean {
  for (const t of c.tests) if (!t(el)) return false;
  return true;
}

function matchComplex(sel: ComplexSelector, index: number, el: ElementView, ancestors: readonly ElementView[], depth: number): boolean {
  const compound = sel[index];
  if (!compound || !matchCompound(compound, el)) return false;
  if (index === 0) return true;
  const next = sel[index - 1];
  if (!next) return false;
  if (compound.combinator === ">") {
    const parent = ancestors[depth - 1];
    return parent !== undefined && matchComplex(sel, index - 1, parent, ancestors, depth - 1);
  }
  for (let d = depth - 1; d >= 0; d--) {
    const a = ancestors[d];
    if (a && matchComplex(sel, index - 1, a, ancestors, d)) return true;
  }
  return false;
}

function compileSelectorList(source: string, attributes: Set<string>): ComplexSelector[] {
  let ast: csstree.CssNode;
  try {
    ast = csstree.parse(source, { context: "selectorList", positions: false });
  } catch {
    throw new MaskSelectorError(`masking selector cannot be parsed: ${source}`);
  }
  if (ast.type !== "SelectorList") throw new MaskSelectorError(`not a selector list: ${source}`);
  const out: ComplexSelector[] = [];
  ast.children.forEach((sel) => {
    if (sel.type !== "Selector") throw new MaskSelectorError(`unsupported selector: ${source}`);
    out.push(compileComplex(sel, source, attributes));
  });
  return out;
}

function compileComplex(sel: csstree.Selector, source: string, attributes: Set<string>): ComplexSelector {
  const compounds: Compound[] = [];
  let tests: SimpleTest[] = [];
  let pending: " " | ">" = " ";
  sel.children.forEach((node) => {
    if (node.type === "Combinator") {
      if (node.name !== ">" && node.name !== " ") throw new MaskSelectorError(`unsupported combinator "${node.name}" in: ${source}`);
      compounds.push({ tests, combinator: pending });
      tests = [];
      pending = node.name;
      return;
    }
    tests.push(compileSimple(node, source, attributes));
  });
  compounds.push({ tests, combinator: pending });
  return compounds;
}

function compileSimple(node: csstree.CssNode, source: string, attributes: Set<string>): SimpleTest {
  if (node.type === "IdSelector") attributes.add("id");
  if (node.type === "AttributeSelector") attributes.add(node.name.name.toLowerCase());
  switch (node.type) {
    case "TypeSelector": {
      const name = node.name.toLowerCase();
      return name === "*" ? () => true : (el) => el.tag === name;
    }
    case "IdSelector":
      return (el) => el.attribs.id === node.name;
    case "ClassSelector":
      return (el) => hasClass(el, node.name);
    case "AttributeSelector":
      return compileAttribute(node, source);
    default:
      throw new MaskSelectorError(`unsupported selector part (${node.type}) in: ${source}`);
  }
}

function compileAttribute(node: csstree.AttributeSelector, source: string): SimpleTest {
  const name = node.name.name.toLowerCase();
  if (node.matcher === null) return (el) => el.attribs[name] !== undefined;
  if (!node.value) throw new MaskSelectorError(`attribute selector without value in: ${source}`);
  const insensitive = node.flags?.toLowerCase() === "i";
  const norm = (s: string) => (insensitive ? s.toLowerCase() : s);
  const want = norm(node.value.type === "String" ? node.value.value : node.value.name);
  const test: (v: string) => boolean = {
    "=": (v: string) => v === want,
    "~=": (v: string) => v.split(/[\t\n\f\r ]+/).includes(want),
    "|=": (v: string) => v === want || v.startsWith(want + "-"),
    "^=": (v: string) => want !== "" && v.startsWith(want),
    "$=": (v: string) => want !== "" && v.endsWith(want),
    "*=": (v: string) => want !== "" && v.includes(want),
  }[node.matcher] ?? (() => {
    throw new MaskSelectorError(`unsupported attribute matcher "${node.matcher}" in: ${source}`);
  })();
  return (el) => {
    const v = el.attribs[name];
    return v !== undefined && test(norm(v));
  };
}
