import { CANVAS_DATA_URL, decodedLength, type CanvasImageType } from "../../protocol/canvas.js";
import { inspectCanvasImage } from "../canvas-image.js";
import { fail } from "../failure.js";
import { check } from "./check.js";

/** The image names a known, unmasked `<canvas>` of the page (never a placeholder or another element). */
export const canvasTarget = check<{ id: number }>("canvas-node", ({ room: cobrowseSession, message }) => {
  const node = cobrowseSession.index.get(message.id);
  if (!node) return fail("unknown_node", `no node ${message.id} in this session`);
  if (node.masked) return fail("node_masked", `node ${message.id} is masked`);
  if (node.tag !== "canvas" || node.svg) return fail("not_allowed", "canvas images only target canvas elements");
  return undefined;
});

/**
 * The data URL's bytes fit the policy's size limit and really are the image type it declares
 * (magic bytes and header structure), within the pixel limits.
 */
export const canvasImageFits = check<{ image: string }>("canvas-image", ({ room: session, message }) => {
  const parts = CANVAS_DATA_URL.exec(message.image);
  if (!parts?.[1] || parts[2] === undefined) return fail("bad_frame", "image is not a PNG, JPEG or WebP data URL");
  const base64 = parts[2];
  if (decodedLength(base64) > session.canvas.maxBytes) return fail("value_too_long", `image exceeds ${session.canvas.maxBytes} bytes`);
  const inspected = inspectCanvasImage(parts[1] as CanvasImageType, Buffer.from(base64, "base64"));
  return inspected.ok ? undefined : fail("bad_image", inspected.reason);
});
