import { CANVAS_DATA_URL, type CanvasToAgent } from "../../protocol/canvas.js";
import { NODE_ID_ATTRIBUTE } from "../../protocol/node-id.js";
import type { PageCopy } from "./page-copy.js";

// Shows canvas images in the page copy. The replay frame runs no script, so its `<canvas>`
// elements render their fallback content and cannot show pixels drawn into them. Instead each
// checked image becomes a Blob in the console and a `blob:` URL (which only the console's own
// code can mint; the relay's sanitizer drops every non-http URL) used as the background of the
// page copy canvas, through a viewer stylesheet keyed on the node id: attribute changes and
// re-created elements keep their image, and the fallback content is hidden while it shows.
// The replay CSP allows `img-src blob:` for this and nothing else changes. ADR 0002, addendum.

interface Shown {
  url: string;
  /** The image shown before: revoked once the next one replaced it, so nothing flickers. */
  previous: string | undefined;
}

export class CanvasPainter {
  readonly #shown = new Map<number, Shown>();
  #style: HTMLStyleElement | undefined;

  constructor(private readonly pageCopy: PageCopy) {}

  /** Shows one image; malformed ones are ignored (the relay refused them already). */
  paint(msg: CanvasToAgent): void {
    const parts = typeof msg.image === "string" ? CANVAS_DATA_URL.exec(msg.image) : null;
    if (!parts?.[1] || parts[2] === undefined || !Number.isInteger(msg.id) || msg.id < 1) return;
    const url = URL.createObjectURL(new Blob([decodeBase64(parts[2])], { type: parts[1] }));
    const shown = this.#shown.get(msg.id);
    if (shown?.previous) URL.revokeObjectURL(shown.previous);
    this.#shown.set(msg.id, { url, previous: shown?.url });
    this.render();
  }

  /** A new snapshot or the end of the session: nothing of the old page is kept. */
  clear(): void {
    for (const shown of this.#shown.values()) {
      URL.revokeObjectURL(shown.url);
      if (shown.previous) URL.revokeObjectURL(shown.previous);
    }
    this.#shown.clear();
    this.#style?.remove();
    this.#style = undefined;
  }

  private render(): void {
    const doc = this.pageCopy.document;
    if (!doc?.head) return;
    if (!this.#style?.isConnected || this.#style.ownerDocument !== doc) {
      this.#style = doc.createElement("style");
      this.#style.setAttribute("data-airlock-viewer", "canvas");
      doc.head.append(this.#style);
    }
    let css = "";
    for (const [id, { url, previous }] of this.#shown) {
      // A canvas that left the page gives its images back (the relay holds at most 16 at a time).
      if (!this.pageCopy.nodeById(id)) {
        URL.revokeObjectURL(url);
        if (previous) URL.revokeObjectURL(previous);
        this.#shown.delete(id);
        continue;
      }
      const el = `canvas[${NODE_ID_ATTRIBUTE}="${id}"]`;
      css += `${el}{background:url("${url}") center/100% 100% no-repeat!important;color:transparent!important}${el}>*{visibility:hidden!important}\n`;
    }
    this.#style.textContent = css;
  }
}

function decodeBase64(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}
