import { CANVAS_LIMITS, type CanvasImageType } from "../protocol/canvas.js";

// Reads just enough of a canvas image to know it really is the type it claims (magic bytes and
// container structure) and how many pixels it would decode to, without decoding it. The agent's
// browser decodes it later; anything that is not a well-formed PNG, JPEG or WebP header, or that
// would decode to a pixel flood, never gets there.

export type ImageInspection = { ok: true; width: number; height: number } | { ok: false; reason: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_IEND = [0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

export function inspectCanvasImage(type: CanvasImageType, bytes: Uint8Array): ImageInspection {
  const size = type === "image/png" ? pngSize(bytes) : type === "image/jpeg" ? jpegSize(bytes) : webpSize(bytes);
  if (typeof size === "string") return { ok: false, reason: size };
  const { width, height } = size;
  if (width < 1 || height < 1 || width > CANVAS_LIMITS.maxSidePixels || height > CANVAS_LIMITS.maxSidePixels || width * height > CANVAS_LIMITS.maxPixels) {
    return { ok: false, reason: `image of ${width}×${height} pixels is outside the limits` };
  }
  return { ok: true, width, height };
}

type Size = { width: number; height: number } | string;

function startsWith(bytes: Uint8Array, at: number, expected: readonly number[]): boolean {
  return expected.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, text: string): boolean {
  return startsWith(bytes, at, [...text].map((c) => c.charCodeAt(0)));
}

const be16 = (b: Uint8Array, i: number) => ((b[i] ?? 0) << 8) | (b[i + 1] ?? 0);
const be32 = (b: Uint8Array, i: number) => ((b[i] ?? 0) * 0x1000000) + (((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0));
const le16 = (b: Uint8Array, i: number) => (b[i] ?? 0) | ((b[i + 1] ?? 0) << 8);
const le24 = (b: Uint8Array, i: number) => le16(b, i) | ((b[i + 2] ?? 0) << 16);
const le32 = (b: Uint8Array, i: number) => le24(b, i) + (b[i + 3] ?? 0) * 0x1000000;

/** Signature, IHDR first (13 bytes), IEND last. */
function pngSize(b: Uint8Array): Size {
  if (b.length < 8 + 25 + 12 || !startsWith(b, 0, PNG_SIGNATURE)) return "not a PNG";
  if (be32(b, 8) !== 13 || !ascii(b, 12, "IHDR")) return "PNG without a leading IHDR chunk";
  if (!startsWith(b, b.length - PNG_IEND.length, PNG_IEND)) return "PNG without a final IEND chunk";
  return { width: be32(b, 16), height: be32(b, 20) };
}

/** SOI, segments up to the first frame header (SOFn), EOI last. */
function jpegSize(b: Uint8Array): Size {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8 || b[2] !== 0xff) return "not a JPEG";
  if (b[b.length - 2] !== 0xff || b[b.length - 1] !== 0xd9) return "JPEG without an end marker";
  let i = 2;
  while (i + 4 <= b.length) {
    if (b[i] !== 0xff) return "JPEG segment without a marker";
    const marker = b[i + 1] ?? 0;
    if (marker === 0xff) {
      i += 1;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return "JPEG without a frame header";
    const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isFrame) return i + 9 <= b.length ? { width: be16(b, i + 7), height: be16(b, i + 5) } : "truncated JPEG frame header";
    i += 2 + be16(b, i + 2);
  }
  return "JPEG without a frame header";
}

/** RIFF container of the exact length, WEBP form, then a VP8, VP8L or VP8X chunk. */
function webpSize(b: Uint8Array): Size {
  if (b.length < 30 || !ascii(b, 0, "RIFF") || !ascii(b, 8, "WEBP")) return "not a WebP";
  if (le32(b, 4) !== b.length - 8) return "WebP whose RIFF size does not match";
  if (ascii(b, 12, "VP8 ")) {
    if (!startsWith(b, 23, [0x9d, 0x01, 0x2a])) return "WebP VP8 frame without its start code";
    return { width: le16(b, 26) & 0x3fff, height: le16(b, 28) & 0x3fff };
  }
  if (ascii(b, 12, "VP8L")) {
    if (b[20] !== 0x2f) return "WebP VP8L without its signature";
    const bits = le32(b, 21);
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (ascii(b, 12, "VP8X")) return { width: le24(b, 24) + 1, height: le24(b, 27) + 1 };
  return "WebP without an image chunk";
}
