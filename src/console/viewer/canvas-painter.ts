import { CANVAS_DATA_URL, type CanvasToAgent } from "../../protocol/canvas.js";
import type { Replica } from "./replica.js";

// Paints canvas images into the replica's own `<canvas>` elements. The image never becomes a
// URL of any kind (no data:, no blob:): its bytes are decoded here with createImageBitmap and
// drawn with the 2D context, so the replay frame's CSP stays as strict as before (images only
// from the asset proxy) and the frame still runs no script. See ADR 0002, addendum.

interface Painted {
  readonly bitmap: ImageBitmap;
  /** The replica element and bitmap size it was drawn into; a replaced or resized canvas is drawn again. */
  element: Element | undefined;
  width: number;
  height: number;
}

export class CanvasPainter {
  readonly #painted = new Map<number, Painted>();
  /** Per canvas, the newest image asked for: an older one that finishes decoding later is dropped. */
  readonly #latest = new Map<number, number>();
  #generation = 0;

  constructor(private readonly replica: Replica) {}

  /** Decodes and draws one image; malformed images are ignored (the relay already refused them). */
  async paint(msg: CanvasToAgent): Promise<void> {
    const parts = typeof msg.image === "string" ? CANVAS_DATA_URL.exec(msg.image) : null;
    if (!parts?.[1] || parts[2] === undefined || !Number.isInteger(msg.id)) return;
    const generation = ++this.#generation;
    this.#latest.set(msg.id, generation);
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(new Blob([decodeBase64(parts[2])], { type: parts[1] }));
    } catch {
      return;
    }
    if (this.#latest.get(msg.id) !== generation) return bitmap.close();
    this.#painted.get(msg.id)?.bitmap.close();
    const entry: Painted = { bitmap, element: undefined, width: 0, height: 0 };
    this.#painted.set(msg.id, entry);
    this.draw(msg.id, entry);
  }

  /** After mutations: canvases that were re-created or resized (which clears them) get their image back. */
  refresh(): void {
    for (const [id, entry] of this.#painted) {
      const el = this.replica.nodeById(id);
      if (!isCanvas(el)) continue;
      if (el !== entry.element || el.width !== entry.width || el.height !== entry.height) this.draw(id, entry);
    }
  }

  /** A new snapshot or the end of the session: nothing of the old page is kept. */
  clear(): void {
    for (const entry of this.#painted.values()) entry.bitmap.close();
    this.#painted.clear();
    this.#latest.clear();
  }

  private draw(id: number, entry: Painted): void {
    const el = this.replica.nodeById(id);
    if (!isCanvas(el)) return;
    const ctx = el.getContext("2d");
    if (!ctx) return;
    ctx.clearRect(0, 0, el.width, el.height);
    ctx.drawImage(entry.bitmap, 0, 0, el.width, el.height);
    entry.element = el;
    entry.width = el.width;
    entry.height = el.height;
  }
}

/** Replica nodes belong to the frame's realm, so `instanceof HTMLCanvasElement` (the console's) fails. */
function isCanvas(el: Element | undefined): el is HTMLCanvasElement {
  return el !== undefined && el.localName === "canvas" && el.namespaceURI === "http://www.w3.org/1999/xhtml";
}

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
