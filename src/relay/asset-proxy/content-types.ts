import type { AssetKind } from "../../relay/sanitizer/asset-url.js";

// What an upstream may answer for each use of an asset. The type is taken from the upstream's
// Content-Type (never sniffed); anything else is refused, and the agent's browser is told not to
// sniff either (nosniff), so an HTML or script answer can never be used as an image or style.

const fontTypes: ReadonlySet<string> = new Set([
  "application/font-woff", "application/x-font-woff", "application/font-woff2", "application/font-sfnt",
  "application/x-font-ttf", "application/x-font-truetype", "application/x-font-opentype", "application/vnd.ms-fontobject",
]);

const isImage = (t: string) => t.startsWith("image/");
const isFont = (t: string) => t.startsWith("font/") || fontTypes.has(t);
const isMedia = (t: string) => t.startsWith("video/") || t.startsWith("audio/") || t === "text/vtt";

const accepts: Readonly<Record<AssetKind, (mediaType: string) => boolean>> = {
  image: isImage,
  style: (t) => t === "text/css",
  font: isFont,
  media: isMedia,
  // url() inside CSS: backgrounds, cursors, masks, list markers (images) and @font-face sources.
  "css-asset": (t) => isImage(t) || isFont(t),
};

/** The Accept header sent upstream for each use. */
export const acceptHeader: Readonly<Record<AssetKind, string>> = {
  image: "image/*",
  style: "text/css",
  font: "font/*, application/font-woff, application/vnd.ms-fontobject",
  media: "video/*, audio/*, text/vtt",
  "css-asset": "image/*, font/*",
};

/** The bare media type (`image/png`) when the upstream's Content-Type fits the use, else undefined. */
export function acceptedMediaType(kind: AssetKind, contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  const mediaType = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (!/^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(mediaType)) return undefined;
  return accepts[kind](mediaType) ? mediaType : undefined;
}
