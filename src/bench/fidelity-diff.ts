import type { Rgba } from "./fidelity-png.js";

// How much of the agent's page copy looks like the visitor's page: the share of pixels that
// match between the two screenshots. The comparison is pixelmatch's (perceptual YIQ colour
// distance, threshold 0.1, anti-aliased pixels forgiven) when that package is installed;
// otherwise the same colour distance without the anti-aliasing pass, and the result says which.
// Masked areas count as matching when the page copy shows a placeholder box of the same
// geometry where the visitor's page has the private block.

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export type Comparator = "pixelmatch" | "yiq";

export interface Comparison {
  /** Matching pixels / all pixels, 0…1. */
  readonly match: number;
  /** The visitor's screenshot with mismatching pixels in red. */
  readonly diff: Rgba;
}

type PixelmatchFn = (a: Uint8Array, b: Uint8Array, out: Uint8Array | null, width: number, height: number, options?: { threshold?: number }) => number;

const THRESHOLD = 0.1;
let loaded: Promise<PixelmatchFn | undefined> | undefined;

/** pixelmatch when installed (a development dependency), else undefined. */
function pixelmatch(): Promise<PixelmatchFn | undefined> {
  const name = "pixelmatch"; // a variable: the package is optional, so the compiler must not resolve it
  loaded ??= import(name).then((m: { default?: unknown }) => (typeof m.default === "function" ? (m.default as PixelmatchFn) : undefined)).catch(() => undefined);
  return loaded;
}

export async function comparator(): Promise<Comparator> {
  return (await pixelmatch()) ? "pixelmatch" : "yiq";
}

/** Rectangles of masked blocks that sit at the same place on both sides (to within a pixel). */
export function sameGeometry(visitor: readonly Rect[], copy: readonly Rect[]): Rect[] {
  const close = (a: number, b: number) => Math.abs(a - b) <= 1;
  return copy.filter((c) => visitor.some((v) => close(v.x, c.x) && close(v.y, c.y) && close(v.width, c.width) && close(v.height, c.height)));
}

export async function compareScreens(visitor: Rgba, copy: Rgba, masked: readonly Rect[]): Promise<Comparison> {
  const width = Math.min(visitor.width, copy.width);
  const height = Math.min(visitor.height, copy.height);
  const a = crop(visitor, width, height);
  const b = crop(copy, width, height);
  // A masked block shown as its placeholder box counts as matching: the visitor's pixels there.
  for (const r of masked) {
    const x0 = Math.max(0, Math.floor(r.x));
    const x1 = Math.min(width, Math.ceil(r.x + r.width));
    for (let y = Math.max(0, Math.floor(r.y)); y < Math.min(height, Math.ceil(r.y + r.height)); y++) {
      b.set(a.subarray((y * width + x0) * 4, (y * width + x1) * 4), (y * width + x0) * 4);
    }
  }
  const out = new Uint8Array(width * height * 4);
  const pm = await pixelmatch();
  const differing = pm ? pm(a, b, out, width, height, { threshold: THRESHOLD }) : yiqDiff(a, b, out);
  // Sizes that differ count the missing area as mismatching.
  const total = Math.max(visitor.width * visitor.height, copy.width * copy.height);
  const missing = total - width * height;
  return { match: Math.max(0, 1 - (differing + missing) / total), diff: { width, height, data: out } };
}

function crop(image: Rgba, width: number, height: number): Uint8Array {
  if (image.width === width && image.height === height) return Uint8Array.from(image.data);
  const out = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) out.set(image.data.subarray(y * image.width * 4, (y * image.width + width) * 4), y * width * 4);
  return out;
}

/** pixelmatch's colour distance (YIQ, blended on white) without its anti-aliasing pass. */
function yiqDiff(a: Uint8Array, b: Uint8Array, out: Uint8Array): number {
  const maxDelta = 35215 * THRESHOLD * THRESHOLD;
  let differing = 0;
  for (let i = 0; i < a.length; i += 4) {
    const delta = colourDelta(a, b, i);
    const grey = 255 + ((luma(a, i) - 255) * 0.1);
    if (delta > maxDelta) {
      differing++;
      out.set([255, 0, 0, 255], i);
    } else out.set([grey, grey, grey, 255], i);
  }
  return differing;
}

function blend(c: number, alpha: number): number {
  return 255 + (c - 255) * alpha;
}

function luma(p: Uint8Array, i: number): number {
  const alpha = (p[i + 3] as number) / 255;
  return blend(p[i] as number, alpha) * 0.29889531 + blend(p[i + 1] as number, alpha) * 0.58662247 + blend(p[i + 2] as number, alpha) * 0.11448223;
}

function colourDelta(a: Uint8Array, b: Uint8Array, i: number): number {
  const rgb = (p: Uint8Array) => {
    const alpha = (p[i + 3] as number) / 255;
    return [blend(p[i] as number, alpha), blend(p[i + 1] as number, alpha), blend(p[i + 2] as number, alpha)] as const;
  };
  const [r1, g1, b1] = rgb(a);
  const [r2, g2, b2] = rgb(b);
  const y = (r: number, g: number, bl: number) => r * 0.29889531 + g * 0.58662247 + bl * 0.11448223;
  const iq = (r: number, g: number, bl: number) => [r * 0.59597799 - g * 0.2741761 - bl * 0.32180189, r * 0.21147017 - g * 0.52261711 + bl * 0.31114694] as const;
  const dy = y(r1, g1, b1) - y(r2, g2, b2);
  const [i1, q1] = iq(r1, g1, b1);
  const [i2, q2] = iq(r2, g2, b2);
  return 0.5053 * dy * dy + 0.299 * (i1 - i2) * (i1 - i2) + 0.1957 * (q1 - q2) * (q1 - q2);
}
