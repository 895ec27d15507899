import { z } from "zod";
import { asvsRefs, policyVersion } from "./asvs.js";

const period = z.strictObject({ days: z.number().int().min(1).max(3650), asvs: asvsRefs });

export const retentionSchema = z.strictObject({
  version: policyVersion,
  chatTranscripts: period,
  auditTrail: period,
  loginSessions: period,
  /** The webhook delivery log and finished (delivered or dead-lettered) deliveries. */
  webhookDeliveries: period,
});

export type RetentionPolicy = z.output<typeof retentionSchema>;
