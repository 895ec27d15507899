import { LIMITS } from "../../protocol/limits.js";
import { DOCUMENT_NODE_ID } from "../../protocol/node-id.js";
import type { VisitorMessage } from "../../protocol/visitor-messages.js";
import { guard } from "../safe.js";
import type { NodeMirror } from "./mirror.js";
import { isInsideMasked, isValueMasked, maskValue, type PrivacyRules } from "./privacy.js";

// Scroll, viewport, pointer, hover, focus and input values. Listeners are passive and cheap: they only
// record the latest state per key; the outbox decides when to send (throttled at the source).
// Pointer and scroll positions are document coordinates (CSS pixels from the page's top left).

export type PageEvent = Extract<VisitorMessage, { kind: "scroll" | "viewport" | "pointer" | "hover" | "focus" | "input" }>;

/** Key under which an event replaces an earlier unsent one (latest state wins). */
export function coalesceKey(e: PageEvent): string {
  switch (e.kind) {
    case "scroll":
    case "input":
      return `${e.kind}:${e.id}`;
    default:
      return e.kind;
  }
}

export class PageEvents {
  readonly #stops: (() => void)[] = [];

  constructor(
    private readonly win: Window,
    private readonly mirror: NodeMirror,
    private readonly rules: PrivacyRules,
    private readonly emit: (e: PageEvent) => void,
  ) {}

  start(): void {
    const doc = this.win.document;
    this.listen(doc, "scroll", (e) => this.onScroll(e), { capture: true, passive: true });
    this.listen(this.win, "resize", () => this.emit(this.viewport()), { passive: true });
    this.listen(doc, "pointermove", (e) => this.onPointer(e as PointerEvent), { capture: true, passive: true });
    this.listen(doc, "pointerover", (e) => this.onHover(e.composedPath()[0]), { capture: true, passive: true });
    this.listen(doc, "pointerout", (e) => (e as PointerEvent).relatedTarget === null && this.emit({ kind: "hover", id: DOCUMENT_NODE_ID }), { capture: true, passive: true });
    this.listen(doc, "focusin", (e) => this.onFocus(e), { capture: true, passive: true });
    // Focus that leaves for nothing (blur, a click on the page's background) leaves the copy
    // without a focused element too; focus moving elsewhere follows at once and wins (same key).
    this.listen(doc, "focusout", () => this.emit({ kind: "focus", id: DOCUMENT_NODE_ID }), { capture: true, passive: true });
    this.listen(doc, "input", (e) => this.onInput(e), { capture: true, passive: true });
    this.listen(doc, "change", (e) => this.onInput(e), { capture: true, passive: true });
  }

  stop(): void {
    for (const s of this.#stops.splice(0)) s();
  }

  viewport(): PageEvent {
    return { kind: "viewport", viewport: { width: this.win.innerWidth, height: this.win.innerHeight } };
  }

  /**
   * The scroll of every scrolled element and the focus as they are now. A snapshot carries only
   * the document's scroll; these follow it, so agents (and the relay's state for agents who join
   * later) see scrolled boxes where the visitor has them.
   */
  current(): void {
    const doc = this.win.document;
    let budget = LIMITS.maxNodesPerSnapshot;
    for (const el of doc.body?.querySelectorAll("*") ?? []) {
      if (--budget < 0) break;
      if (el.scrollTop === 0 && el.scrollLeft === 0) continue;
      const id = this.mirror.idOf(el);
      if (id === undefined || isInsideMasked(el, this.rules)) continue;
      this.emit({ kind: "scroll", id, x: Math.round(el.scrollLeft), y: Math.round(el.scrollTop) });
    }
    const hovered = [...doc.querySelectorAll(":hover")].at(-1);
    if (hovered) this.onHover(hovered);
    let active: Element | null = doc.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    if (!active || active === doc.body || active === doc.documentElement) return;
    const id = this.mirror.idOf(active);
    if (id !== undefined && !isInsideMasked(active, this.rules)) this.emit({ kind: "focus", id, ...(focusVisible(active) ? { visible: true } : {}) });
  }

  documentScroll(): { x: number; y: number } {
    return { x: Math.round(this.win.scrollX), y: Math.round(this.win.scrollY) };
  }

  private listen(target: EventTarget, type: string, fn: (e: Event) => void, options: AddEventListenerOptions): void {
    const handler = guard(fn);
    target.addEventListener(type, handler, options);
    this.#stops.push(() => target.removeEventListener(type, handler, options));
  }

  private onScroll(e: Event): void {
    const target = e.composedPath()[0];
    if (target === this.win.document || target === this.win.document.documentElement || target === this.win) {
      this.emit({ kind: "scroll", id: DOCUMENT_NODE_ID, ...this.documentScroll() });
      return;
    }
    if (!(target instanceof Element)) return;
    const id = this.mirror.idOf(target);
    if (id === undefined || isInsideMasked(target, this.rules)) return;
    this.emit({ kind: "scroll", id, x: Math.round(target.scrollLeft), y: Math.round(target.scrollTop) });
  }

  private onPointer(e: PointerEvent): void {
    this.emit({ kind: "pointer", x: Math.round(e.pageX), y: Math.round(e.pageY) });
  }

  /**
   * The element under the pointer, as the innermost element agents may know of: outside masked
   * blocks (a masked block's hover is its closest unmasked ancestor's), across shadow roots.
   */
  private onHover(target: EventTarget | undefined): void {
    let el: Element | null = target instanceof Element ? target : null;
    while (el && (this.mirror.idOf(el) === undefined || isInsideMasked(el, this.rules))) {
      el = el.parentElement ?? (el.parentNode instanceof ShadowRoot ? el.parentNode.host : null);
    }
    const id = el ? this.mirror.idOf(el) : undefined;
    this.emit({ kind: "hover", id: id ?? DOCUMENT_NODE_ID });
  }

  private onFocus(e: Event): void {
    const target = e.composedPath()[0];
    if (!(target instanceof Element)) return;
    const id = this.mirror.idOf(target);
    // Focus inside a masked block is reported as focus on nothing in particular.
    if (id === undefined || isInsideMasked(target, this.rules)) this.emit({ kind: "focus", id: DOCUMENT_NODE_ID });
    else this.emit({ kind: "focus", id, ...(focusVisible(target) ? { visible: true } : {}) });
  }

  private onInput(e: Event): void {
    const target = e.composedPath()[0];
    if (!(target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)) return;
    const id = this.mirror.idOf(target);
    if (id === undefined || isInsideMasked(target, this.rules)) return;
    if (target instanceof HTMLInputElement && (target.type === "checkbox" || target.type === "radio")) {
      // Checked state travels as the `checked` attribute the page copy renders.
      this.emit({ kind: "input", id, value: target.checked ? "on" : "", masked: false });
      return;
    }
    if (target instanceof HTMLInputElement && (target.type === "hidden" || target.type === "file")) return;
    const masked = isValueMasked(target, this.rules);
    const value = masked ? maskValue(target.value) : target.value.slice(0, 4096);
    this.emit({ kind: "input", id, value, masked });
  }
}

/** Whether the browser shows a focus indicator on the element (keyboard focus); false where it cannot say. */
function focusVisible(el: Element): boolean {
  try {
    return el.matches(":focus-visible");
  } catch {
    return false;
  }
}
