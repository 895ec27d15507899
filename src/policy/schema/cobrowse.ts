import { z } from "zod";
import { CANVAS_LIMITS } from "../../protocol/canvas.js";
import { MASKED_FIELD_EDITS } from "../../protocol/mask.js";
import { asvsRefs, policyVersion } from "./asvs.js";

/**
 * Consent is not optional in this product: the visitor always accepts, in a prompt, before the page
 * is shared and again before control. `required` stays in the file to say so and must be true.
 */
const consentRule = (mode: "view" | "control") =>
  z.strictObject({
    required: z.literal(true, {
      error: `consent for ${mode === "view" ? "viewing" : "control"} is not optional: the visitor always accepts in a prompt before ${mode === "view" ? "the page is shared" : "an agent may operate the page"} (set required: true)`,
    }),
    asvs: asvsRefs,
  });

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

/**
 * What an agent in control mode may do with a field whose value it sees masked: `replace` the
 * whole value with one it types afresh (never append to or edit inside the placeholder), or
 * `never` edit it. The relay and the visitor script enforce both.
 */
const maskedFieldsRule = z.strictObject({ agentEdit: z.enum(MASKED_FIELD_EDITS), asvs: asvsRefs });
/** A policy folder written before this rule existed lets agents replace masked values (the old behaviour, minus appending). */
const MASKED_FIELDS_REPLACE = { agentEdit: "replace" as const, asvs: ["V8.3.2", "V14.2.6"] };
/** Each agent who joins a session someone already watches is named to the visitor and, by default, needs their yes. */
const additionalWatchersRule = z.strictObject({ consentRequired: z.boolean(), asvs: asvsRefs });
const WATCHERS_ASK = { consentRequired: true, asvs: ["V8.2.2", "V8.3.1"] };
/** After the visitor says no (to sharing, control or a watcher), the same question waits this long; the relay enforces it. */
const consentPauseRule = z.strictObject({ seconds: z.number().int().min(1).max(3600), asvs: asvsRefs });
const PAUSE_DEFAULT = { seconds: 60, asvs: ["V2.3.2", "V8.3.1"] };

export const cobrowseSchema = z.strictObject({
  version: policyVersion,
  modes: z.strictObject({
    view: z.strictObject({ enabled: z.boolean() }),
    control: z.strictObject({ enabled: z.boolean() }),
    asvs: asvsRefs,
  }),
  consent: z.strictObject({ view: consentRule("view"), control: consentRule("control") }),
  /** An agent's seat ends when its viewer has been away (hidden or disconnected) this long. */
  agentInactivity: z.strictObject({ seconds: z.number().int().min(10).max(3600), asvs: asvsRefs }),
  /** A session ends this long after the visitor agreed to share; both sides are warned before. */
  maxSession: z.strictObject({ minutes: z.number().int().min(1).max(24 * 60), asvs: asvsRefs }),
  /** Input values leave the page masked unless this is false (private by default). */
  maskInputValues: z.strictObject({ enabled: z.boolean(), asvs: asvsRefs }),
  canvas: canvasRule.default(CANVAS_OFF),
  maskedFields: maskedFieldsRule.default(MASKED_FIELDS_REPLACE),
  additionalWatchers: additionalWatchersRule.default(WATCHERS_ASK),
  consentPause: consentPauseRule.default(PAUSE_DEFAULT),
});

export type CobrowsePolicy = z.output<typeof cobrowseSchema>;
