import { z } from "zod";
import { asvsRefs, policyVersion } from "./asvs.js";

const consent = z.strictObject({ required: z.boolean(), asvs: asvsRefs });

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
});

export type CobrowsePolicy = z.output<typeof cobrowseSchema>;
