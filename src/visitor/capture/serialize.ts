import { LIMITS } from "../../protocol/limits.js";
import { NODE_ID_ATTRIBUTE, QUIRKS_MARK } from "../../protocol/node-id.js";
import { isUiHostElement } from "../ui/host.js";
import type { NodeMirror } from "./mirror.js";
import { isMaskRoot, isValueMasked, maskValue, type PrivacyRules } from "./privacy.js";
import { SheetWatch, readableRules, scopedRules, styleContent } from "./sheets.js";

// Serializes live DOM into HTML with a node id on every element, applying the privacy rules on
// the way: masked subtrees are never read, only measured. Open shadow roots and same-origin
// iframes are flattened into the tree (the page copy has neither; their styles are kept to their
// subtree with @scope, and a frame keeps its box, border and background), scripts and other inert or
// executable markup are left out, and the current (masked) form values replace the markup's.

const skippedTags: ReadonlySet<string> = new Set(["script", "noscript", "template", "base", "meta", "object", "embed", "applet", "portal"]);
const voidTags: ReadonlySet<string> = new Set(["area", "br", "col", "embed", "hr", "img", "input", "link", "source", "track", "wbr"]);
/** Tags whose placeholder keeps the tag so the HTML parser does not move it (tables, lists). */
const structuralTags: ReadonlySet<string> = new Set(["tr", "td", "th", "tbody", "thead", "tfoot", "caption", "col", "colgroup", "li", "option", "optgroup"]);
const urlAttributes: ReadonlySet<string> = new Set(["src", "href", "poster", "xlink:href"]);
const keptLinkRels = /(^|\s)(stylesheet|icon)(\s|$)/i;
const noValueInputTypes: ReadonlySet<string> = new Set(["hidden", "file"]);

export interface SerializeBudget {
  nodes: number;
}

export function escapeText(text: string): string {
  return text.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

export function escapeAttribute(text: string): string {
  return text.replace(/[&"]/g, (c) => (c === "&" ? "&amp;" : "&quot;"));
}

export class Serializer {
  /** Set when the document has a `<base>`: URLs are then sent absolute (the relay resolves against the page URL). */
  #absoluteUrls = false;
  readonly #placeholders = new WeakSet<Element>();
  /** The shadow hosts and frame bodies being serialized, innermost last: their styles stay inside them. */
  readonly #scopes: { id: number; frame: boolean }[] = [];
  /** Called for every shadow root and frame document met, so their changes can be observed too. */
  onNewRoot: (root: Node) => void = () => undefined;
  /** Style changes made through the CSSOM, which no mutation reports. */
  readonly sheets: SheetWatch;

  constructor(
    private readonly mirror: NodeMirror,
    private readonly rules: PrivacyRules,
  ) {
    this.sheets = new SheetWatch(mirror);
  }

  /** A fresh budget for one snapshot or one added subtree. */
  static budget(): SerializeBudget {
    return { nodes: LIMITS.maxNodesPerSnapshot };
  }

  /** Re-reads document-wide facts before a snapshot or a batch of mutations. */
  refresh(doc: Document): void {
    this.#absoluteUrls = doc.querySelector("base[href]") !== null;
  }

  /** Whether the element was last sent as a masked placeholder. */
  isPlaceholder(el: Element): boolean {
    return this.#placeholders.has(el);
  }

  /** Whether the element is serialized at all (skipped elements get no id). */
  isSerializable(el: Element): boolean {
    if (skippedTags.has(el.localName) || isUiHostElement(el)) return false;
    if (el.localName === "link") return keptLinkRels.test(el.getAttribute("rel") ?? "");
    return true;
  }

  element(el: Element, depth: number, budget: SerializeBudget): string {
    if (!this.isSerializable(el) || depth > LIMITS.maxDepth || budget.nodes <= 0) return "";
    budget.nodes--;
    const id = this.mirror.assign(el);
    if (isMaskRoot(el, this.rules)) return this.placeholder(el, id);
    this.#placeholders.delete(el);
    const tag = el.localName;
    if (tag === "link") {
      const inlined = inlineStylesheet(el as HTMLLinkElement, id);
      if (inlined !== undefined) return inlined;
    }
    if (tag === "style") this.sheets.style(el as HTMLStyleElement, id);
    let out = `<${tag} ${NODE_ID_ATTRIBUTE}="${id}"${this.attributes(el)}${quirksMark(el)}>`;
    if (voidTags.has(tag)) return out;
    out += this.children(el, depth, budget);
    return out + `</${tag}>`;
  }

  /** The serialized children of an element, honouring shadow roots and same-origin frames. */
  children(el: Element, depth: number, budget: SerializeBudget): string {
    const tag = el.localName;
    if (tag === "textarea") return escapeText(this.formValue(el, (el as HTMLTextAreaElement).value));
    if (tag === "style") return this.styleText(el as HTMLStyleElement);
    if (tag === "iframe" || tag === "frame") return "";
    let out = "";
    const shadow = (el as HTMLElement).shadowRoot;
    if (shadow) {
      this.onNewRoot(shadow);
      const host = this.mirror.assign(el);
      this.#scopes.push({ id: host, frame: false });
      try {
        for (const child of shadow.childNodes) out += this.node(child, depth + 1, budget, true);
        return out + this.sheets.adopted(shadow, host);
      } finally {
        this.#scopes.pop();
      }
    }
    for (const child of el.childNodes) out += this.node(child, depth + 1, budget, false);
    // Adopted sheets come after the document's own in the cascade: last in <head>.
    if (tag === "head" && el.ownerDocument.documentElement === el.parentElement) out += this.sheets.adopted(el.ownerDocument, this.mirror.assign(el));
    return out;
  }

  node(node: Node, depth: number, budget: SerializeBudget, inShadow: boolean): string {
    if (node.nodeType === 3) {
      const parent = node.parentElement;
      if (parent && parent.localName === "style") return this.styleText(parent as HTMLStyleElement);
      return escapeText(node.nodeValue ?? "");
    }
    if (node.nodeType !== 1) return "";
    const el = node as Element;
    if (inShadow && el.localName === "slot") {
      const slot = el as HTMLSlotElement;
      const assigned = slot.assignedNodes({ flatten: true });
      const nodes = assigned.length > 0 ? assigned : [...slot.childNodes];
      return nodes.map((n) => this.node(n, depth, budget, false)).join("");
    }
    if (el.localName === "iframe") return this.frame(el as HTMLIFrameElement, depth, budget);
    if (pluginTags.has(el.localName)) return pluginBox(el);
    return this.element(el, depth, budget);
  }

  /** Same-origin frames are inlined as a sized box holding the frame's body; others are a box. */
  private frame(el: HTMLIFrameElement, depth: number, budget: SerializeBudget): string {
    if (budget.nodes <= 0 || depth > LIMITS.maxDepth) return "";
    budget.nodes--;
    const id = this.mirror.assign(el);
    if (isMaskRoot(el, this.rules)) return this.placeholder(el, id);
    const rect = el.getBoundingClientRect();
    const box = `box-sizing:border-box;width:${Math.round(rect.width)}px;height:${Math.round(rect.height)}px;display:inline-block;overflow:hidden;vertical-align:bottom`;
    let inner = "";
    let doc: Document | null;
    try {
      doc = el.contentDocument;
    } catch {
      doc = null;
    }
    let canvas = "";
    if (doc?.documentElement && doc.body) {
      this.onNewRoot(doc);
      this.#scopes.push({ id: this.mirror.assign(doc.body), frame: true });
      try {
        if (doc.head) for (const s of doc.head.querySelectorAll("style, link")) inner += this.element(s, depth + 1, budget);
        inner += this.element(doc.body, depth + 1, budget).replace(/^<body/, "<div").replace(/<\/body>$/, "</div>");
      } finally {
        this.#scopes.pop();
      }
      canvas = `;background-color:${frameCanvas(doc)}`;
    }
    return `<div ${NODE_ID_ATTRIBUTE}="${id}" data-airlock-frame="" style="${box}${frameBorder(el)}${canvas}">${inner}</div>`;
  }

  /**
   * An empty box of the masked element's size: no tag name (beyond table/list structure), no
   * attributes. It keeps the element's whole box — border-box size, margins, padding, border
   * widths — so the page copy's page height and scroll positions match the visitor's.
   */
  private placeholder(el: Element, id: number): string {
    this.#placeholders.add(el);
    const rect = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    const inline = cs.display.startsWith("inline");
    const tag = structuralTags.has(el.localName) ? el.localName : inline ? "span" : "div";
    const box = structuralTags.has(tag) ? `height:${Math.round(rect.height)}px` : placeholderBox(cs, rect, inline);
    return `<${tag} ${NODE_ID_ATTRIBUTE}="${id}" data-airlock-masked="" style="${box}"></${tag}>`;
  }

  private attributes(el: Element): string {
    let out = "";
    const tag = el.localName;
    const absolute = this.#absoluteUrls;
    for (const attr of el.attributes) {
      const name = attr.name;
      if (name === NODE_ID_ATTRIBUTE || name.startsWith("on") || name === "nonce" || name === "integrity") continue;
      // Form state travels as it is now (below), not as the markup's defaults. An option's value is
      // the page's own markup (what a choice is called), kept so the page copy can show the choice.
      if (tag === "input" && (name === "value" || name === "checked")) continue;
      if (tag === "option" && name === "selected") continue;
      let value = attr.value;
      if (absolute && urlAttributes.has(name)) value = absoluteUrl(value, el.baseURI);
      out += ` ${name}="${escapeAttribute(value)}"`;
    }
    if (tag === "input") out += this.inputState(el as HTMLInputElement);
    if (tag === "option" && (el as HTMLOptionElement).selected && !this.choiceMasked(el as HTMLOptionElement)) out += ` selected=""`;
    return out;
  }

  /** An option of a <select> whose choice is private (card expiry, `data-airlock-mask`): its selection stays here. */
  private choiceMasked(option: HTMLOptionElement): boolean {
    const select = option.closest("select");
    return select !== null && isValueMasked(select, this.rules);
  }

  private inputState(input: HTMLInputElement): string {
    const type = input.type;
    if (type === "checkbox" || type === "radio") return input.checked ? ` checked=""` : "";
    if (noValueInputTypes.has(type) || input.value === "") return "";
    return ` value="${escapeAttribute(this.formValue(input, input.value))}"`;
  }

  /** A `<style>` element's text: as written, or its rules once a script changed them through the CSSOM. */
  styleText(el: HTMLStyleElement): string {
    const scope = this.#scopes.at(-1);
    if (scope && el.sheet) return styleContent(scopedRules(el.sheet, scope.id, scope.frame) ?? "");
    if (this.sheets.readsRules(el) && el.sheet) return styleContent(readableRules(el.sheet) ?? "");
    return styleText(el);
  }

  /** The value a form field may show to agents: masked unless policy unmasks it. */
  formValue(el: Element, value: string): string {
    return isValueMasked(el, this.rules) ? maskValue(value) : value.slice(0, LIMITS.maxInputValueLength);
  }
}

/**
 * A page without a doctype renders in quirks mode (tables that do not inherit font sizes, other
 * line heights), one with an XHTML 1.0 or HTML 4.01 Transitional/Frameset doctype in limited
 * quirks mode (an image alone in a table cell sits on the cell's bottom, with no gap below): the
 * root element says which, so the page copy renders in the same mode.
 */
function quirksMark(el: Element): string {
  const doc = el.ownerDocument;
  if (el !== doc.documentElement || doc.defaultView !== window) return "";
  if (doc.compatMode === "BackCompat") return ` ${QUIRKS_MARK}=""`;
  return limitedQuirks(doc.doctype) ? ` ${QUIRKS_MARK}="limited"` : "";
}

/** The HTML standard's limited-quirks doctypes (the full-quirks ones are known by compatMode). */
function limitedQuirks(doctype: DocumentType | null): boolean {
  const id = doctype?.publicId.toLowerCase() ?? "";
  if (id.startsWith("-//w3c//dtd xhtml 1.0 frameset//") || id.startsWith("-//w3c//dtd xhtml 1.0 transitional//")) return true;
  return doctype?.systemId !== "" && (id.startsWith("-//w3c//dtd html 4.01 frameset//") || id.startsWith("-//w3c//dtd html 4.01 transitional//"));
}

/** The frame element's own border (its box is the frame's border box). */
function frameBorder(el: Element): string {
  const cs = getComputedStyle(el);
  return ["top", "right", "bottom", "left"].map((side) => `;border-${side}:${cs.getPropertyValue(`border-${side}-width`)} ${cs.getPropertyValue(`border-${side}-style`)} ${cs.getPropertyValue(`border-${side}-color`)}`).join("");
}

/** The colour a frame's document paints its whole viewport with (the body's or the root's background). */
function frameCanvas(doc: Document): string {
  const view = doc.defaultView;
  if (!view) return "transparent";
  const transparent = (c: string) => c === "transparent" || c === "rgba(0, 0, 0, 0)";
  const root = view.getComputedStyle(doc.documentElement).backgroundColor;
  if (!transparent(root)) return root;
  return doc.body ? view.getComputedStyle(doc.body).backgroundColor : "transparent";
}

/** Plugin elements: never serialized, but their box stays so what follows them keeps its place. */
const pluginTags: ReadonlySet<string> = new Set(["object", "embed", "applet"]);

/** An empty box of a rendered plugin element's size (no id, no attribute, nothing of its content). */
function pluginBox(el: Element): string {
  const rect = el.getBoundingClientRect();
  if (rect.width === 0 && rect.height === 0) return "";
  const cs = getComputedStyle(el);
  // Sits in its line as the element did: an empty inline-block's baseline is its bottom, as a replaced element's.
  const display = cs.display.startsWith("inline") ? "inline-block" : "block";
  const box = `box-sizing:border-box;width:${Math.round(rect.width)}px;height:${Math.round(rect.height)}px;display:${display};overflow:hidden;vertical-align:${cs.verticalAlign}`;
  return `<div data-airlock-frame="" style="${box}"></div>`;
}

/** Only lengths leave the page: each side of margin, padding and border width, as computed pixels. */
function placeholderBox(cs: CSSStyleDeclaration, rect: DOMRect, inline: boolean): string {
  const px = (v: string) => `${Math.round(Number.parseFloat(v) || 0)}px`;
  const sides = (prop: (side: string) => string) => ["top", "right", "bottom", "left"].map((side) => px(cs.getPropertyValue(prop(side)))).join(" ");
  // An inline element's vertical margins take no session, and its box hangs from the text's bottom,
  // not the baseline an empty inline-block would sit on.
  const margin = inline ? `0px ${px(cs.marginRight)} 0px ${px(cs.marginLeft)}` : sides((s) => `margin-${s}`);
  return [
    `display:${inline ? "inline-block;vertical-align:text-bottom" : "block"}`,
    "box-sizing:border-box",
    `width:${Math.round(rect.width)}px`,
    `height:${Math.round(rect.height)}px`,
    `margin:${margin}`,
    `padding:${sides((s) => `padding-${s}`)}`,
    `border-style:solid`,
    `border-color:transparent`,
    `border-width:${sides((s) => `border-${s}-width`)}`,
  ].join(";");
}

/** `<style>` text as written, or the rules a script inserted through CSSOM (CSS-in-JS). */
export function styleText(el: HTMLStyleElement): string {
  let text = el.textContent ?? "";
  if (text.trim() === "" && el.sheet) text = readableRules(el.sheet) ?? "";
  // The HTML parser ends raw text at `</`: keep it from closing the element early.
  return styleContent(text);
}


/**
 * A loaded, readable `<link rel=stylesheet>` travels as a `<style>` element with its rules, so
 * agents see the page styled without their browser ever fetching the site's stylesheet URL (the
 * relay's CSS sanitizer cleans the text and sends its url()s through the asset proxy). Relative
 * url()s are resolved against the stylesheet, not the page. Other links stay links.
 */
function inlineStylesheet(link: HTMLLinkElement, id: number): string | undefined {
  const sheet = link.sheet;
  if (!sheet || !/(^|\s)stylesheet(\s|$)/i.test(link.rel)) return undefined;
  const rules = readableRules(sheet);
  if (rules === undefined) return undefined;
  const base = sheet.href ?? link.baseURI;
  const text = rules.replace(/url\(\s*(["']?)([^"')]*)\1\s*\)/g, (_m, _q: string, u: string) => `url("${absoluteUrl(u, base).replace(/"/g, "%22")}")`);
  const media = link.media ? ` media="${escapeAttribute(link.media)}"` : "";
  return `<style ${NODE_ID_ATTRIBUTE}="${id}"${media}>${text.replace(/<\//g, "<\\/")}</style>`;
}


function absoluteUrl(value: string, base: string): string {
  try {
    return new URL(value, base).href;
  } catch {
    return value;
  }
}
