import { CANVAS_LIMITS, type CanvasSettings } from "../protocol/canvas.js";
import type { VisitorMessage } from "../protocol/visitor-messages.js";
import type { NodeMirror } from "./capture/mirror.js";
import { isInsideMasked, type PrivacyRules } from "./capture/privacy.js";
import { guard } from "./safe.js";

// Canvas images, only where the co-browse policy enables them (the relay's `welcome` then names
// the interval and the size limit). While an agent watches, every `intervalMs` each visible
// canvas the script has serialized is encoded and sent if it changed. Never captured: canvases
// in masked or nosync blocks, canvases the script did not serialize (its own UI, skipped
// markup), tainted canvases (cross-origin drawings: `toDataURL` throws, the canvas is skipped)
// and canvases larger than the relay's limits. Nothing here throws into the page.

type CanvasMessage = Extract<VisitorMessage, { kind: "canvas" }>;

/** Encodings tried in order: WebP keeps transparency and is small; JPEG when WebP is too big. */
const ENCODINGS: readonly [string, number][] = [["image/webp", 0.8], ["image/jpeg", 0.7]];

export class CanvasCapture {
  #timer: ReturnType<typeof setInterval> | undefined;
  /** What was last sent per canvas, so an unchanged canvas costs nothing on the wire. */
  #sent = new WeakMap<HTMLCanvasElement, string>();
  readonly #tick = guard(() => this.capture());

  constructor(
    private readonly win: Window,
    private readonly mirror: NodeMirror,
    private readonly rules: PrivacyRules,
    private readonly settings: CanvasSettings,
    private readonly send: (msg: CanvasMessage) => void,
  ) {}

  start(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(this.#tick, this.settings.intervalMs);
    this.#tick();
  }

  stop(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** A new snapshot replaced the agent's page copy (and the relay's images): send every canvas again. */
  resend(): void {
    this.#sent = new WeakMap();
    if (this.#timer !== undefined) this.#tick();
  }

  private capture(): void {
    if (this.win.document.visibilityState === "hidden") return;
    let sent = 0;
    for (const canvas of this.win.document.querySelectorAll("canvas")) {
      if (sent >= CANVAS_LIMITS.maxCanvases) return;
      const id = this.mirror.idOf(canvas);
      if (id === undefined || !this.visible(canvas) || isInsideMasked(canvas, this.rules)) continue;
      const image = this.encode(canvas);
      if (image === undefined) continue;
      sent++;
      if (this.#sent.get(canvas) === image) continue;
      this.#sent.set(canvas, image);
      this.send({ kind: "canvas", id, image });
    }
  }

  private visible(canvas: HTMLCanvasElement): boolean {
    const { width, height } = canvas;
    if (width < 1 || height < 1 || width > CANVAS_LIMITS.maxSidePixels || height > CANVAS_LIMITS.maxSidePixels) return false;
    if (width * height > CANVAS_LIMITS.maxPixels) return false;
    const r = canvas.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 && r.top < this.win.innerHeight && r.left < this.win.innerWidth;
  }

  /** The smallest encoding within the size limit, or undefined (too big, or tainted by cross-origin drawing). */
  private encode(canvas: HTMLCanvasElement): string | undefined {
    // base64 grows 4/3; the prefix is at most 23 characters.
    const maxChars = Math.floor(this.settings.maxBytes / 3) * 4;
    for (const [type, quality] of ENCODINGS) {
      let url: string;
      try {
        url = canvas.toDataURL(type, quality);
      } catch {
        return undefined;
      }
      // A browser without the encoder answers PNG: the relay accepts that as well.
      if (url.length - url.indexOf(",") - 1 <= maxChars) return url;
    }
    return undefined;
  }
}

/** The `canvas` settings of a welcome, read defensively; undefined (no capture) unless well formed. */
export function readCanvasSettings(value: unknown): CanvasSettings | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { intervalMs, maxBytes } = value as Record<string, unknown>;
  if (typeof intervalMs !== "number" || typeof maxBytes !== "number" || !(intervalMs >= 250) || !(maxBytes >= 1024)) return undefined;
  return { intervalMs: Math.min(intervalMs, 60_000), maxBytes: Math.min(maxBytes, CANVAS_LIMITS.maxImageBytes) };
}
