import { z } from "zod";
import { AGENT_ACTIONS } from "../actions.js";
import { asvsRefs, policyVersion } from "./asvs.js";

export const sessionSchema = z.strictObject({
  version: policyVersion,
  timeouts: z.strictObject({
    idleMinutes: z.number().int().min(1).max(24 * 60),
    absoluteHours: z.number().int().min(1).max(7 * 24),
    asvs: asvsRefs,
  }),
  mfa: z.strictObject({
    // Every agent, admins included, needs a second factor: this is not a switch (invariant 6).
    required: z.literal(true, "mfa.required must be true: every agent needs a second factor"),
    /** `totp`: enrolled in Airlock. `idp-amr`: accepted when the IdP's ID token asserts one of `acceptedAmr`. */
    methods: z.array(z.enum(["totp", "idp-amr"])).min(1),
    acceptedAmr: z.array(z.string().min(1)).default([]),
    /** Actions allowed while the second factor is still pending (enrolment itself). */
    allowedBeforeMfa: z.array(z.enum(AGENT_ACTIONS)).default([]),
    asvs: asvsRefs,
  }),
});

export type SessionPolicy = z.output<typeof sessionSchema>;
