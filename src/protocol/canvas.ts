// Canvas images: a `<canvas>` has no markup to replicate, so while the co-browse policy allows it
// (policies/cobrowse.yaml `canvas`) the visitor script sends what a visible canvas shows as a
// PNG, JPEG or WebP data URL at the policy's interval. The relay checks the node, the bytes and
// the size, keeps only the latest image per canvas in memory, and forwards it; the console
// paints it into the page copy's own `<canvas>` without ever turning it into a URL.
// Browser bundles import this module; the zod schema of the message is in canvas-message.ts.

export const CANVAS_IMAGE_TYPES = ["image/png", "image/jpeg", "image/webp"] as const;
export type CanvasImageType = (typeof CANVAS_IMAGE_TYPES)[number];

export const CANVAS_LIMITS = {
  /** Upper bound of the policy's `maxBytes` (decoded image bytes). */
  maxImageBytes: 1024 * 1024,
  /** Canvases per page whose latest image the relay keeps (`too_many_nodes` beyond). */
  maxCanvases: 16,
  /** Largest width or height of an image, in pixels (`bad_image` beyond: pixel floods). */
  maxSidePixels: 8192,
  /** Largest width × height of an image (`bad_image` beyond). */
  maxPixels: 16 * 1024 * 1024,
} as const;

/** Longest `image` field: the data URL prefix and the base64 of the largest image. */
export const CANVAS_MAX_IMAGE_CHARS = "data:image/webp;base64,".length + Math.ceil(CANVAS_LIMITS.maxImageBytes / 3) * 4;

/** `data:image/(png|jpeg|webp);base64,…` with canonical base64 padding; the type is group 1. */
export const CANVAS_DATA_URL = /^data:(image\/(?:png|jpeg|webp));base64,((?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?)$/;

/** Server → agent: the latest checked image of a canvas of the page copy. */
export interface CanvasToAgent {
  kind: "canvas";
  id: number;
  image: string;
}

/** What `welcome` tells the visitor script when the policy allows canvas images (absent otherwise). */
export interface CanvasSettings {
  readonly intervalMs: number;
  readonly maxBytes: number;
}

/** Decoded byte length of a data URL's base64 part, without decoding it. */
export function decodedLength(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}
