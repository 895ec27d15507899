import { z } from "zod";
import { CANVAS_DATA_URL, CANVAS_MAX_IMAGE_CHARS } from "./canvas.js";
import { nodeId } from "./fields.js";

/** Visitor → server: what a canvas shows now (see canvas.ts). */
export const canvasMessage = z
  .object({
    kind: z.literal("canvas"),
    id: nodeId,
    image: z.string().max(CANVAS_MAX_IMAGE_CHARS).regex(CANVAS_DATA_URL, "a PNG, JPEG or WebP base64 data URL"),
  })
  .strict();
