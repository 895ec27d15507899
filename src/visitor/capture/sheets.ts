import { LIMITS } from "../../protocol/limits.js";
import { NODE_ID_ATTRIBUTE } from "../../protocol/node-id.js";
import type { MutationOp } from "../../protocol/visitor-messages.js";
import type { NodeMirror } from "./mirror.js";

// Styles that change without any DOM mutation: rules a script inserts or deletes through the
// CSSOM (`sheet.insertRule`, CSS-in-JS libraries) and constructable stylesheets a document or
// shadow root adopts (`adoptedStyleSheets`). No observer reports these, so while capturing the
// script compares each known sheet's rule count (and each root's adopted sheets) at every flush
// and sends what changed as ordinary ops: the new text of a `<style>` element, or the adopted
// sheets again as `<style>` elements. The relay's CSS sanitizer treats them like any other style.

interface StyleEntry {
  readonly el: WeakRef<HTMLStyleElement>;
  readonly id: number;
  count: number;
}

interface AdoptedEntry {
  readonly sheet: CSSStyleSheet;
  readonly id: number;
  count: number;
}

interface RootEntry {
  readonly root: WeakRef<Document | ShadowRoot>;
  /** The element the adopted `<style>` elements were sent under (head, or the shadow host). */
  readonly parent: number;
  sheets: AdoptedEntry[];
}

export function ruleCount(sheet: CSSStyleSheet | null | undefined): number {
  try {
    return sheet?.cssRules.length ?? 0;
  } catch {
    return 0;
  }
}

/** The sheet's rules as text, or undefined when the browser does not let the page read them (cross-origin). */
export function readableRules(sheet: CSSStyleSheet): string | undefined {
  try {
    let out = "";
    for (const rule of sheet.cssRules) out += rule.cssText + "\n";
    return out;
  } catch {
    return undefined;
  }
}

/** CSS text made safe to put between `<style>` and `</style>`. */
export function styleContent(text: string): string {
  return text.replace(/<\//g, "<\\/");
}

export class SheetWatch {
  #styles: StyleEntry[] = [];
  #roots: RootEntry[] = [];
  /** `<style>` elements whose rules changed through the CSSOM: their text is read from the rules. */
  readonly #fromRules = new WeakSet<HTMLStyleElement>();

  constructor(private readonly mirror: NodeMirror) {}

  /** Forget everything (a new snapshot registers afresh). */
  reset(): void {
    this.#styles = [];
    this.#roots = [];
  }

  readsRules(el: HTMLStyleElement): boolean {
    return this.#fromRules.has(el);
  }

  style(el: HTMLStyleElement, id: number): void {
    if (this.#styles.length < LIMITS.maxNodesPerSnapshot) this.#styles.push({ el: new WeakRef(el), id, count: ruleCount(el.sheet) });
  }

  /** The root's adopted sheets as `<style>` elements, remembered under `parent` for later changes. */
  adopted(root: Document | ShadowRoot, parent: number): string {
    const sheets = [...(root.adoptedStyleSheets ?? [])].map((sheet) => ({ sheet, id: this.mirror.reserve(), count: ruleCount(sheet) }));
    this.#roots = this.#roots.filter((r) => r.root.deref() !== root);
    this.#roots.push({ root: new WeakRef(root), parent, sheets });
    return sheets.map((s) => adoptedHtml(s)).join("");
  }

  /** Ops for every style change since the last call. */
  changes(): MutationOp[] {
    const ops: MutationOp[] = [];
    this.#styles = this.#styles.filter((s) => s.el.deref()?.isConnected);
    for (const s of this.#styles) {
      const el = s.el.deref();
      if (!el) continue;
      const count = ruleCount(el.sheet);
      if (count === s.count) continue;
      s.count = count;
      this.#fromRules.add(el);
      ops.push({ op: "text", id: s.id, value: styleContent(el.sheet ? (readableRules(el.sheet) ?? "") : "").slice(0, LIMITS.maxTextLength) });
    }
    this.#roots = this.#roots.filter((r) => r.root.deref() !== undefined);
    for (const r of this.#roots) {
      const root = r.root.deref();
      if (!root) continue;
      const now = [...(root.adoptedStyleSheets ?? [])];
      const same = now.length === r.sheets.length && now.every((sheet, i) => r.sheets[i]?.sheet === sheet && r.sheets[i]?.count === ruleCount(sheet));
      if (same) continue;
      for (const old of r.sheets) ops.push({ op: "remove", id: old.id });
      r.sheets = now.map((sheet) => ({ sheet, id: this.mirror.reserve(), count: ruleCount(sheet) }));
      for (const s of r.sheets) ops.push({ op: "add", parent: r.parent, before: null, html: adoptedHtml(s) });
    }
    return ops;
  }
}

function adoptedHtml(s: AdoptedEntry): string {
  return `<style ${NODE_ID_ATTRIBUTE}="${s.id}">${styleContent(readableRules(s.sheet) ?? "")}</style>`;
}

/**
 * The rules of a shadow root's or a same-origin frame's sheet, kept to that subtree once it is
 * flattened into the page copy: style rules go inside `@scope` of the element standing for the
 * shadow host or the frame's body (`:host`, `html` and `body` become `:scope`); other rules
 * (fonts, keyframes) stay as they are.
 */
export function scopedRules(sheet: CSSStyleSheet, scopeId: number, frame: boolean): string | undefined {
  let rules: CSSRuleList;
  try {
    rules = sheet.cssRules;
  } catch {
    return undefined;
  }
  const inside: string[] = [];
  const outside: string[] = [];
  for (const rule of rules) {
    if (rule instanceof CSSStyleRule || rule instanceof CSSMediaRule || rule instanceof CSSSupportsRule) inside.push(scopedRule(rule, frame));
    else outside.push(rule.cssText);
  }
  const scoped = inside.length > 0 ? `@scope ([${NODE_ID_ATTRIBUTE}="${scopeId}"]) {\n${inside.join("\n")}\n}\n` : "";
  return outside.join("\n") + "\n" + scoped;
}

function scopedRule(rule: CSSRule, frame: boolean): string {
  if (rule instanceof CSSStyleRule) return `${scopedSelector(rule.selectorText, frame)} { ${rule.style.cssText} }`;
  if (rule instanceof CSSMediaRule) return `@media ${rule.conditionText} { ${[...rule.cssRules].map((r) => scopedRule(r, frame)).join(" ")} }`;
  if (rule instanceof CSSSupportsRule) return `@supports ${rule.conditionText} { ${[...rule.cssRules].map((r) => scopedRule(r, frame)).join(" ")} }`;
  return rule.cssText;
}

export function scopedSelector(selector: string, frame: boolean): string {
  let out = selector.replace(/:host\(/g, ":scope:is(").replace(/:host(?![\w-])/g, ":scope");
  if (frame) out = out.replace(/(^|[\s,>+~(])(?:html|body)(?=$|[\s,.:#[>+~)])/gi, "$1:scope");
  return out;
}
