import { MASK_PLACEHOLDER } from "../../protocol/mask.js";
import { FOCUS_MARK, FOCUS_VISIBLE_MARK, FOCUS_WITHIN_MARK, HOVER_MARK, LINK_MARK, NODE_ID_ATTRIBUTE, QUIRKS_MARK, parseNodeId } from "../../protocol/node-id.js";
import type { PageEventToAgent, SanitizedMutations, SanitizedOp, SanitizedSnapshot } from "../../protocol/server-messages.js";

// Rebuilds the visitor's sanitized page inside the replay frame: an `<iframe sandbox=
// "allow-same-origin">` (never allow-scripts) whose document is served by Airlock under a CSP
// that forbids every script and allows styles, images and fonts only from the asset proxy.
// The console writes into the frame's DOM; the frame never runs code of its own. HTML is parsed
// by the frame's own parser (the frame's realm), so the console's Trusted Types policy does not
// have to admit any markup sink.

export class PageCopy {
  #nodes = new Map<number, Element>();
  /** Fields whose value the relay sent masked since the snapshot. */
  readonly #maskedValues = new Set<number>();
  #url = "";

  constructor(readonly frame: HTMLIFrameElement) {}

  get url(): string {
    return this.#url;
  }

  get document(): Document | undefined {
    return this.frame.contentDocument ?? undefined;
  }

  get window(): Window | undefined {
    return this.frame.contentWindow ?? undefined;
  }

  nodeById(id: number): Element | undefined {
    return this.#nodes.get(id);
  }

  /** The node id of the closest replicated element around a node (for control and pointing). */
  idAround(node: Node | null): number | undefined {
    // Page copy nodes belong to the frame's realm: `instanceof Element` (the console's) is false for them.
    const start = node && node.nodeType === 1 ? (node as Element) : (node?.parentElement ?? null);
    for (let el: Element | null = start; el; el = el.parentElement) {
      const id = parseNodeId(el.getAttribute(NODE_ID_ATTRIBUTE) ?? undefined);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  snapshot(s: SanitizedSnapshot): void {
    const doc = this.document;
    const win = this.window as (Window & typeof globalThis) | undefined;
    if (!doc || !win) return;
    const parsed = new win.DOMParser().parseFromString(s.html, "text/html");
    // The copy renders in the visitor's document mode: the frame's document is reopened with
    // one of three fixed doctypes when the mode differs (nothing but that one token is written).
    const mode = documentMode(parsed.documentElement.getAttribute(QUIRKS_MARK));
    if (modeOf(doc) !== mode) {
      doc.open();
      doc.write(`${DOCTYPES[mode]}<html></html>`);
      doc.close();
    }
    const root = doc.adoptNode(parsed.documentElement);
    doc.replaceChild(root, doc.documentElement);
    applyLinkColours(doc);
    markPrivateBlocks(doc);
    this.#url = s.url;
    this.#nodes.clear();
    this.#maskedValues.clear();
    this.index(root);
    if (s.scroll) win.scrollTo(s.scroll.x, s.scroll.y);
  }

  mutations(m: SanitizedMutations): void {
    for (const op of m.ops) this.apply(op);
  }

  event(e: PageEventToAgent): void {
    switch (e.kind) {
      case "scroll":
        if (e.id === 0) this.window?.scrollTo(e.x, e.y);
        else this.#nodes.get(e.id)?.scrollTo(e.x, e.y);
        return;
      case "input":
        if (e.masked) this.#maskedValues.add(e.id);
        else this.#maskedValues.delete(e.id);
        return this.setValue(e.id, e.value, e.masked);
      case "focus":
        this.markFocus(e.id, e.visible === true);
        return;
      case "hover":
        this.markHover(e.id);
        return;
      case "navigation":
        this.#url = e.url;
        return;
      default:
        return;
    }
  }

  private apply(op: SanitizedOp): void {
    switch (op.op) {
      case "remove": {
        const el = this.#nodes.get(op.id);
        if (el) {
          this.unindex(el);
          el.remove();
        }
        return;
      }
      case "add": {
        const parent = this.#nodes.get(op.parent);
        const doc = this.document;
        if (!parent || !doc) return;
        const range = doc.createRange();
        range.selectNodeContents(parent);
        const fragment = range.createContextualFragment(op.html);
        for (const child of fragment.children) this.index(child);
        const before = op.before === null ? null : (this.#nodes.get(op.before) ?? null);
        parent.insertBefore(fragment, before && before.parentNode === parent ? before : null);
        return;
      }
      case "attr": {
        const el = this.#nodes.get(op.id);
        if (!el || op.name === NODE_ID_ATTRIBUTE) return;
        try {
          if (op.value === null) el.removeAttribute(op.name);
          else el.setAttribute(op.name, op.value);
        } catch {
          // an attribute name the DOM refuses: nothing to show
        }
        return;
      }
      case "text": {
        const el = this.#nodes.get(op.id);
        if (el) el.textContent = op.value;
        return;
      }
    }
  }

  /**
   * Whether the agent sees this field's value masked: sent masked, shown as placeholders (a
   * snapshot's masked value), a password or payment-card field, or masked by policy.
   */
  valueMasked(id: number, policyMasksValues: boolean): boolean {
    const el = this.#nodes.get(id);
    if (!el) return true;
    if (this.#maskedValues.has(id)) return true;
    const tag = el.localName;
    const type = (el.getAttribute("type") ?? "").toLowerCase();
    if (type === "password" || /(^|\s)cc-/i.test(el.getAttribute("autocomplete") ?? "")) return true;
    if (tag === "select") return false;
    const value = (el as HTMLInputElement).value ?? "";
    if (value.includes(MASK_PLACEHOLDER) || /^\*+$/.test(value)) return true;
    return policyMasksValues && (tag === "textarea" || tag === "input");
  }

  private setValue(id: number, value: string, masked: boolean): void {
    const el = this.#nodes.get(id);
    if (!el) return;
    const win = this.window as (Window & typeof globalThis) | undefined;
    if (!win) return;
    if (el instanceof win.HTMLInputElement && (el.type === "checkbox" || el.type === "radio")) el.checked = value !== "";
    // A masked choice says nothing about which option is chosen: the page copy keeps what it shows.
    else if (el instanceof win.HTMLSelectElement) {
      if (!masked && [...el.options].some((o) => o.value === value)) el.value = value;
    } else if (el instanceof win.HTMLInputElement || el instanceof win.HTMLTextAreaElement) el.value = value;
  }

  /**
   * The visitor's focused element carries the focus mark (and the keyboard-focus mark when their
   * browser shows a focus indicator), it and its ancestors the focus-within mark: the sanitized
   * CSS's `:focus`, `:focus-visible` and `:focus-within` selectors select them.
   */
  private markFocus(id: number, visible: boolean): void {
    const doc = this.document;
    if (!doc) return;
    const focused = this.#nodes.get(id);
    markOnly(doc, FOCUS_MARK, focused);
    markOnly(doc, FOCUS_VISIBLE_MARK, visible ? focused : undefined);
    markOnly(doc, FOCUS_WITHIN_MARK, focused, true);
  }

  /**
   * The visitor's hovered element and its ancestors carry the hover mark, as `:hover` matches an
   * element and every ancestor (the sanitized CSS's `:hover` selectors select the mark).
   */
  private markHover(id: number): void {
    const doc = this.document;
    if (!doc) return;
    markOnly(doc, HOVER_MARK, this.#nodes.get(id), true);
  }

  private index(root: Element): void {
    const visit = (el: Element) => {
      const id = parseNodeId(el.getAttribute(NODE_ID_ATTRIBUTE) ?? undefined);
      if (id !== undefined) this.#nodes.set(id, el);
    };
    visit(root);
    for (const el of root.querySelectorAll(`[${NODE_ID_ATTRIBUTE}]`)) visit(el);
  }

  private unindex(root: Element): void {
    const drop = (el: Element) => {
      const id = parseNodeId(el.getAttribute(NODE_ID_ATTRIBUTE) ?? undefined);
      if (id !== undefined && this.#nodes.get(id) === el) this.#nodes.delete(id);
    };
    drop(root);
    for (const el of root.querySelectorAll(`[${NODE_ID_ATTRIBUTE}]`)) drop(el);
  }
}

/** Moves a viewer mark to `el` (and its ancestors, as `:hover` and `:focus-within` match them), off every other element. */
function markOnly(doc: Document, mark: string, el: Element | undefined, withAncestors = false): void {
  for (const marked of doc.querySelectorAll(`[${mark}]`)) marked.removeAttribute(mark);
  for (let at: Element | null = el ?? null; at; at = withAncestors ? at.parentElement : null) at.setAttribute(mark, "");
}

// Blocks the visitor's page keeps to itself (nosync, masking selectors) arrive as empty boxes of
// their size; the page copy shows them hatched and labelled so the agent knows something is hidden.
// The element that has focus on the visitor's page is outlined.
const privateBlockCss = `[data-airlock-masked]{background:repeating-linear-gradient(135deg,#eef1f6 0 10px,#e2e7ef 10px 20px)!important;outline:1px dashed #9aa7bd;outline-offset:-1px;position:relative;overflow:hidden}
div[data-airlock-masked]::after{content:"Private: not shared by the visitor's page";position:absolute;left:12px;top:10px;font:600 13px/1.3 system-ui,sans-serif;color:#52607a}
[${FOCUS_MARK}]{outline:3px solid #f59e0b!important;outline-offset:1px}`;

// The browser's own look for links, which the copy's links (sent without href, marked instead)
// would not get: first in <head> and without specificity, so every page rule wins over it.
// (The mark sits inside :where() too: an attribute selector outside it would outrank `h2 a`.)
const linkDefaultCss = `:where(a[${LINK_MARK}], area[${LINK_MARK}]){color:-webkit-link;text-decoration:underline;cursor:pointer}`;

type DocumentMode = "no-quirks" | "limited-quirks" | "quirks";

/** The doctype that puts a document in each mode (none: quirks). */
const DOCTYPES: Readonly<Record<DocumentMode, string>> = {
  "no-quirks": "<!doctype html>",
  "limited-quirks": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">',
  quirks: "",
};

/** The visitor's mode from the snapshot root's mark (absent: no quirks). */
function documentMode(mark: string | null): DocumentMode {
  return mark === null ? "no-quirks" : mark === "limited" ? "limited-quirks" : "quirks";
}

function modeOf(doc: Document): DocumentMode {
  if (doc.compatMode === "BackCompat") return "quirks";
  return doc.doctype?.publicId.toLowerCase().startsWith("-//w3c//dtd xhtml 1.0 transitional//") ? "limited-quirks" : "no-quirks";
}

/**
 * The body's legacy link colours (`link`, `vlink`, `alink`) are the document's, read when the
 * attribute is set: on a body adopted from the parser's document they belong to that document.
 * Setting them again gives them to the copy's; the style elements added next restyle the copy.
 */
function applyLinkColours(doc: Document): void {
  const body = doc.body;
  for (const name of ["link", "vlink", "alink"]) {
    const value = body?.getAttribute(name);
    if (body && value !== null && value !== undefined) body.setAttribute(name, value);
  }
}

function markPrivateBlocks(doc: Document): void {
  const style = doc.createElement("style");
  style.setAttribute("data-airlock-viewer", "");
  style.textContent = privateBlockCss;
  doc.head?.append(style);
  const links = doc.createElement("style");
  links.setAttribute("data-airlock-viewer", "");
  links.textContent = linkDefaultCss;
  doc.head?.prepend(links);
}
