import { z } from "zod";
import { asvsIds } from "../asvs-ids.js";

/** The OWASP ASVS 5.0 requirement ids a rule serves: at least one, each a real requirement. */
export const asvsRefs = z
  .array(
    z.string().refine((id) => asvsIds.has(id), { error: (issue) => `unknown OWASP ASVS 5.0 requirement id: ${String(issue.input)}` }),
  )
  .min(1, "every rule names at least one OWASP ASVS 5.0 requirement id");

export const policyVersion = z.literal(1, "policy file version must be 1");
