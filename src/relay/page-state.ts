import type { PageEventToAgent } from "../protocol/server-messages.js";
import type { ShadowIndex } from "./shadow-index.js";

type Point = { readonly x: number; readonly y: number };
type InputState = { readonly value: string; readonly masked: boolean };

/** Elements whose scroll or value the session remembers at most; the oldest goes first. */
const MAX_TRACKED = 5_000;

/**
 * The page's live state as agents were last told it, after the snapshot: viewport, scroll of
 * the document and of every scrolled element, form values (masked as agents see them), focus
 * and pointer. Held in the room's memory only (never stored, never logged), released with the
 * page, so an agent who joins late or catches up after lagging sees the page as it is now rather
 * than as it was when the snapshot was taken.
 */
export class LatestPageState {
  #viewport: { width: number; height: number } | undefined;
  #documentScroll: Point | undefined;
  #pointer: Point | undefined;
  #focus: number | undefined;
  #focusVisible = false;
  #hover: number | undefined;
  readonly #scrolls = new Map<number, Point>();
  readonly #inputs = new Map<number, InputState>();
  /** Fields agents have seen masked on this page: stays when a new snapshot resets the values. */
  readonly #masked = new Set<number>();

  /** Remembers one page event exactly as it goes to agents. */
  record(e: PageEventToAgent): void {
    switch (e.kind) {
      case "viewport":
        this.#viewport = e.viewport;
        return;
      case "scroll":
        if (e.id === 0) this.#documentScroll = { x: e.x, y: e.y };
        else remember(this.#scrolls, e.id, { x: e.x, y: e.y });
        return;
      case "pointer":
        this.#pointer = { x: e.x, y: e.y };
        return;
      case "focus":
        this.#focus = e.id;
        this.#focusVisible = e.visible === true;
        return;
      case "hover":
        this.#hover = e.id;
        return;
      case "input":
        remember(this.#inputs, e.id, { value: e.value, masked: e.masked });
        if (e.masked && this.#masked.size < MAX_TRACKED) this.#masked.add(e.id);
        return;
      case "navigation":
        return this.forget();
    }
  }

  /**
   * A new snapshot describes the page at its moment (document scroll, viewport, form values).
   * The visitor script follows every snapshot with the scroll of each scrolled element and the
   * focus, which refill the rest.
   */
  snapshotTaken(viewport: { width: number; height: number }, scroll: Point | undefined): void {
    this.forget();
    this.#viewport = viewport;
    this.#documentScroll = scroll;
  }

  /** Whether agents were sent this field's value masked (undefined: no value seen since the page loaded). */
  inputMasked(id: number): boolean | undefined {
    if (this.#masked.has(id)) return true;
    return this.#inputs.get(id)?.masked;
  }

  /** Frames that bring an agent who has the snapshot and the changes since up to this moment. */
  frames(index: ShadowIndex): string[] {
    const out: PageEventToAgent[] = [];
    const live = (id: number) => index.has(id) && !index.get(id)?.masked;
    if (this.#viewport) out.push({ kind: "viewport", viewport: this.#viewport });
    for (const [id, v] of this.#inputs) if (live(id)) out.push({ kind: "input", id, value: v.value, masked: v.masked });
    if (this.#documentScroll) out.push({ kind: "scroll", id: 0, ...this.#documentScroll });
    for (const [id, p] of this.#scrolls) if (live(id)) out.push({ kind: "scroll", id, ...p });
    if (this.#focus !== undefined && (this.#focus === 0 || live(this.#focus))) out.push({ kind: "focus", id: this.#focus, ...(this.#focusVisible ? { visible: true } : {}) });
    if (this.#hover !== undefined && (this.#hover === 0 || live(this.#hover))) out.push({ kind: "hover", id: this.#hover });
    if (this.#pointer) out.push({ kind: "pointer", ...this.#pointer });
    return out.map((e) => JSON.stringify(e));
  }

  forget(): void {
    this.#viewport = undefined;
    this.#documentScroll = undefined;
    this.#pointer = undefined;
    this.#focus = undefined;
    this.#hover = undefined;
    this.#scrolls.clear();
    this.#inputs.clear();
    this.#masked.clear();
  }

  /** Approximate bytes held (tests of memory release; metrics). */
  get retainedBytes(): number {
    let n = this.#scrolls.size * 24 + this.#masked.size * 8;
    for (const v of this.#inputs.values()) n += 16 + v.value.length * 2;
    return n;
  }
}

function remember<V>(map: Map<number, V>, id: number, value: V): void {
  map.delete(id);
  map.set(id, value);
  if (map.size > MAX_TRACKED) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
}
