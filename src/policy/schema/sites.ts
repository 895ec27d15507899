import { z } from "zod";
import { ROLES } from "../actions.js";
import { asvsRefs, policyVersion } from "./asvs.js";
import { visitorIdentitySchema } from "./visitor-identity.js";

const exactOrigin = z.string().refine(
  (value) => {
    if (value === "*" || value.includes("*")) return true; // reported by the mode check, with a clearer message
    try {
      const u = new URL(value);
      return (u.protocol === "https:" || u.protocol === "http:") && u.origin === value;
    } catch {
      return false;
    }
  },
  { error: (i) => `not an exact origin (scheme://host[:port], no path or trailing slash): ${String(i.input)}` },
);

const site = z.strictObject({
  name: z.string().min(1),
  /** The public key a site's embed script presents; not a secret, it names the site. */
  siteKey: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "site keys are 16-64 characters of A-Z a-z 0-9 _ -"),
  origins: z.array(exactOrigin).min(1),
  /** CSS selectors whose subtrees are masked like `.cobrowsing_nosync`. */
  maskingSelectors: z.array(z.string().min(1).max(200)).default([]),
  /**
   * The roles whose agents serve this site: only they see its visitors and co-browse its visits.
   * Absent: every role whose permissions allow the action.
   */
  agentRoles: z.array(z.enum(ROLES, { error: (i) => `unknown role: ${String(i.input)} (roles are ${ROLES.join(", ")})` })).min(1).optional(),
  /** Verified visitors: the site's backend signs a short-lived token naming its customer (docs/visitor-identity.md). */
  identity: visitorIdentitySchema.optional(),
  asvs: asvsRefs,
});

export const sitesSchema = z.strictObject({
  version: policyVersion,
  sites: z.record(z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "site ids are lowercase words joined by dashes"), site),
});

export type SitesPolicy = z.output<typeof sitesSchema>;
export type SitePolicy = z.output<typeof site>;
