import { z } from "zod";
import { VISITOR_QUERY_LIMITS, VISITOR_SORT_KEYS } from "./visitor-query-frames.js";

// Schemas of the live visitor list's query frames (see visitor-query-frames.ts). Browser-safe.

const siteRef = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const chatState = z.enum(["none", "queued", "active", "ended", "offline", "invited"]);
/** The console's own name for one of its queries ("list", "context"). */
export const visitorQueryId = z.string().regex(/^[a-z0-9-]{1,32}$/);

export const visitorQuery = z
  .object({
    sites: z.array(siteRef).min(1).max(VISITOR_QUERY_LIMITS.maxSites),
    /** Case-insensitive substring of the current page's address. */
    urlContains: z.string().min(1).max(VISITOR_QUERY_LIMITS.maxUrlContains).optional(),
    chat: z.array(chatState).min(1).max(6).optional(),
    cobrowse: z.enum(["none", "active"]).optional(),
    /** One visit only (the visitor context beside a chat). */
    visitor: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/).optional(),
    /** Visits on the site at least this long. */
    minTimeOnSiteMs: z.number().int().min(0).max(31 * 24 * 3_600_000).optional(),
    sort: z.object({ by: z.enum(VISITOR_SORT_KEYS), order: z.enum(["asc", "desc"]) }).strict(),
    offset: z.number().int().min(0).max(VISITOR_QUERY_LIMITS.maxOffset),
    // Bounded by the cap in the handler, so a page too large gets its own code.
    limit: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  })
  .strict();
export type VisitorQuery = z.infer<typeof visitorQuery>;

/** Starts (or replaces) the live query named `query`. */
export const visitorsQueryMessage = z.object({ kind: z.literal("visitors-query"), query: visitorQueryId, filter: visitorQuery }).strict();
/** Ends the live query named `query` (unknown names are ignored: ending is idempotent). */
export const visitorsStopMessage = z.object({ kind: z.literal("visitors-stop"), query: visitorQueryId }).strict();

