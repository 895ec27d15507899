import { LIMITS } from "../../protocol/limits.js";
import { NODE_ID_ATTRIBUTE } from "../../protocol/node-id.js";
import type { MutationOp } from "../../protocol/visitor-messages.js";
import type { NodeMirror } from "./mirror.js";
import { isInsideMasked, isMaskRoot, type PrivacyRules } from "./privacy.js";
import { Serializer } from "./serialize.js";

// Turns MutationObserver records into protocol ops. Records are collected and coalesced until
// the next flush, so a burst of DOM work becomes one small batch: removals first, then added
// subtrees (outermost only, in reverse document order so each `before` already exists in the
// page copy), then the final value of each changed attribute, then text. Nothing inside a masked
// subtree is ever read; an element that becomes (un)masked is sent again as a whole.

const OBSERVE: MutationObserverInit = { childList: true, subtree: true, attributes: true, characterData: true };

export class MutationCapture {
  readonly #observer: MutationObserver;
  #pending: MutationRecord[] = [];

  constructor(
    private readonly mirror: NodeMirror,
    private readonly serializer: Serializer,
    private readonly rules: PrivacyRules,
    onRecords: () => void,
  ) {
    this.#observer = new MutationObserver((records) => {
      for (const r of records) this.#pending.push(r);
      onRecords();
    });
  }

  observe(root: Node): void {
    this.#observer.observe(root, OBSERVE);
  }

  disconnect(): void {
    this.#observer.disconnect();
    this.#pending = [];
  }

  /** Coalesces everything recorded since the last call into ops (empty when nothing changed). */
  flush(doc: Document): MutationOp[] {
    const records = this.#pending.concat(this.#observer.takeRecords());
    this.#pending = [];
    if (records.length === 0) return [];
    this.serializer.refresh(doc);
    const removed: number[] = [];
    const added = new Set<Element>();
    const attrs = new Map<Element, Set<string>>();
    const texts = new Set<Element>();
    for (const r of records) {
      const target = elementOf(r.target);
      if (!target) continue;
      if (r.type === "childList") {
        for (const n of r.removedNodes) {
          const id = n.nodeType === 1 ? this.mirror.idOf(n) : undefined;
          if (id !== undefined) removed.push(id);
          else if (n.nodeType === 3) texts.add(target);
        }
        for (const n of r.addedNodes) {
          if (n.nodeType === 1) added.add(n as Element);
          else if (n.nodeType === 3) texts.add(target);
        }
      } else if (r.type === "attributes" && r.attributeName) {
        let names = attrs.get(target);
        if (!names) attrs.set(target, (names = new Set()));
        names.add(r.attributeName);
      } else if (r.type === "characterData") texts.add(target);
    }

    const ops: MutationOp[] = [];
    const resent = new Set<Element>();
    // A removed node keeps its id: if it comes back (a move), it is added again under the same id.
    for (const id of new Set(removed)) ops.push({ op: "remove", id });
    // Elements whose mask state changed, and mixed-content elements whose text changed, are resent whole.
    for (const [el, names] of attrs) if (this.maskChanged(el, names)) this.queueResend(el, ops, added, resent);
    for (const el of texts) if (hasElementChildren(el) && this.mirror.idOf(el) !== undefined) this.queueResend(el, ops, added, resent);

    for (const el of outermost(added).reverse()) {
      const op = this.addOp(el);
      if (op) ops.push(op);
    }
    for (const [el, names] of attrs) {
      const id = this.mirror.idOf(el);
      if (id === undefined || resent.has(el) || !el.isConnected || this.masked(el)) continue;
      for (const name of names) {
        if (name === NODE_ID_ATTRIBUTE || name.startsWith("on") || name === "nonce" || name === "value" || name === "checked") continue;
        const value = el.getAttribute(name);
        ops.push({ op: "attr", id, name, value: value === null ? null : value.slice(0, LIMITS.maxAttributeLength) });
      }
    }
    for (const el of texts) {
      const id = this.mirror.idOf(el);
      if (id === undefined || resent.has(el) || !el.isConnected || hasElementChildren(el) || this.masked(el) || el.localName === "textarea") continue;
      const value = el.localName === "style" ? this.serializer.styleText(el as HTMLStyleElement) : (el.textContent ?? "");
      ops.push({ op: "text", id, value: value.slice(0, LIMITS.maxTextLength) });
    }
    return ops;
  }

  private masked(el: Element): boolean {
    return isInsideMasked(el, this.rules);
  }

  private maskChanged(el: Element, names: Set<string>): boolean {
    if (this.mirror.idOf(el) === undefined || !el.isConnected) return false;
    if (!names.has("class") && !names.has("id") && names.size === 0) return false;
    const wasPlaceholder = this.serializer.isPlaceholder(el);
    const parent = el.parentElement;
    if (parent && isInsideMasked(parent, this.rules)) return false;
    return isMaskRoot(el, this.rules) !== wasPlaceholder;
  }

  private queueResend(el: Element, ops: MutationOp[], added: Set<Element>, resent: Set<Element>): void {
    const id = this.mirror.idOf(el);
    if (id === undefined || !el.isConnected || resent.has(el)) return;
    if (el.parentElement && isInsideMasked(el.parentElement, this.rules)) return;
    if (el === el.ownerDocument.documentElement || isMaskRoot(el, this.rules)) return;
    resent.add(el);
    ops.push({ op: "remove", id });
    added.add(el);
  }

  private addOp(el: Element): MutationOp | undefined {
    if (!el.isConnected || !this.serializer.isSerializable(el)) return undefined;
    const parentEl = elementOf(el.parentNode);
    const parent = parentEl ? this.mirror.idOf(parentEl) : undefined;
    if (!parentEl || parent === undefined || isInsideMasked(parentEl, this.rules)) return undefined;
    const html = this.serializer.node(el, 1, Serializer.budget(), false);
    if (html === "" || html.length > LIMITS.maxFrameBytes / 2) return undefined;
    return { op: "add", parent, before: this.nextSiblingId(el), html };
  }

  private nextSiblingId(el: Element): number | null {
    for (let n = el.nextElementSibling; n; n = n.nextElementSibling) {
      const id = this.mirror.idOf(n);
      if (id !== undefined) return id;
    }
    return null;
  }
}

/** The element a record is about: shadow roots stand for their host. */
function elementOf(node: Node | null): Element | undefined {
  if (!node) return undefined;
  if (node.nodeType === 1) return node as Element;
  if (node instanceof ShadowRoot) return node.host;
  return node.parentElement ?? undefined;
}

function hasElementChildren(el: Element): boolean {
  return (el.shadowRoot ?? el).firstElementChild !== null;
}

/** Added elements not inside another added element, in document order. */
function outermost(added: Set<Element>): Element[] {
  const out: Element[] = [];
  for (const el of added) {
    let covered = false;
    for (let p = el.parentElement; p && !covered; p = p.parentElement) covered = added.has(p);
    if (!covered && el.isConnected) out.push(el);
  }
  return out.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
}
