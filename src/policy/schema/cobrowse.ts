import { z } from "zod";
import { CANVAS_LIMITS } from "../../protocol/canvas.js";
import { asvsRefs, policyVersion } from "./asvs.js";

const consent = z.strictObject({ required: z.boolean(), asvs: asvsRefs });

/**
 * Canvas images: off unless enabled. When on, the visitor script sends what visible canvases show
 * at most every `intervalMs`, each image at most `maxBytes` (decoded); the relay enforces both.
 */
const canvasRule = z.strictObject({
  enabled: z.boolean(),
  intervalMs: z.number().int().min(250).max(60_000),
  maxBytes: z.number().int().min(1024).max(CANVAS_LIMITS.maxImageBytes),
  asvs: asvsRefs,
});
/** A policy folder written before canvas images existed keeps them off. */
const CANVAS_OFF = { enabled: false, intervalMs: 1000, maxBytes: 262_144, asvs: ["V5.2.2", "V14.2.6"] };

export const cobrowseSchema = z.strictObject({
  version: policyVersion,
  modes: z.strictObject({
    view: z.strictObject({ enabled: z.boolean() }),
    control: z.strictObject({ enabled: z.boolean() }),
    asvs: asvsRefs,
  }),
  consent: z.strictObject({ view: consent, control: consent }),
  /** A session ends when its agent has not interacted for this long. */
  agentInactivity: z.strictObject({ seconds: z.number().int().min(10).max(3600), asvs: asvsRefs }),
  maxSession: z.strictObject({ minutes: z.number().int().min(1).max(24 * 60), asvs: asvsRefs }),
  /** Input values leave the page masked unless this is false (private by default). */
  maskInputValues: z.strictObject({ enabled: z.boolean(), asvs: asvsRefs }),
  canvas: canvasRule.default(CANVAS_OFF),
});

export type CobrowsePolicy = z.output<typeof cobrowseSchema>;
