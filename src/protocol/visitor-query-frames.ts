// The live visitor list as a query: an agent's console asks for one page of a filtered, sorted
// list and receives that page again (or its changed rows) whenever it changes, plus counts of the
// sites it asked about. It never receives the other visitors' page views. Types, caps and sort
// keys only, no schema library: the console imports this (the schemas are in visitor-query.ts).

/** One row of the live visitor list (its own module so chat frames and query frames import one way). */
export interface PresencePage {
  url: string;
  title: string;
  at: number;
}
/** A customer the site vouched for with a signed token (checked by the server; never from the page itself). */
export interface VerifiedCustomer {
  /** The site's customer id. */
  customerId: string;
  name: string;
  /** Facts the site's policy lists (e.g. a tier), as the token gave them. */
  attributes: Record<string, string>;
}
export interface PresenceVisitor {
  visitor: string;
  /** The visit's pseudonym ("Visitor 4821"): the same name in chat, co-browse and this list. */
  name: string;
  url: string;
  title: string;
  referrer: string;
  pagesViewed: number;
  startedAt: number;
  lastSeenAt: number;
  chat: "none" | "queued" | "active" | "ended" | "offline" | "invited";
  cobrowse: "none" | "active";
  /** The latest pages of the visit with when each was opened (newest last). */
  pages?: PresencePage[];
  /** The browser's language tag ("en-GB"), browser and device family ("Firefox", "Phone"). */
  language?: string;
  browser?: string;
  device?: string;
  /** Set only after the server verified the site's identity token for this visit. */
  verified?: VerifiedCustomer;
}

/** Caps of a query; a page larger than `maxPageSize` is refused `page_too_large`. */
export const VISITOR_QUERY_LIMITS = {
  maxPageSize: 100,
  maxOffset: 10_000,
  maxSites: 20,
  maxUrlContains: 200,
  /** Live queries one console connection may hold at once (the list and a visitor's context, with room to spare). */
  maxQueriesPerConnection: 4,
} as const;

export const VISITOR_SORT_KEYS = ["startedAt", "lastSeenAt", "pagesViewed", "name", "url", "timeOnSite"] as const;
export type VisitorSortKey = (typeof VISITOR_SORT_KEYS)[number];

/** How many visitors, chatting (queued or active) and co-browsing. */
export interface VisitorCounts {
  visitors: number;
  chatting: number;
  cobrowsing: number;
}

/** The counts of every site the query names, and their sum. */
export interface VisitorCountsBySite {
  all: VisitorCounts;
  sites: Record<string, VisitorCounts>;
}

/** One page of the query's result: sent first, and again whenever which rows it shows changes. */
export interface VisitorsPageFrame {
  kind: "visitors-page";
  query: string;
  offset: number;
  /** Visitors matching the filter (the page is `rows`, at most `limit` of them). */
  total: number;
  rows: PresenceVisitor[];
  counts: VisitorCountsBySite;
}

/** Rows of the page whose facts changed (same rows, same order), and the counts now. */
export interface VisitorsChangeFrame {
  kind: "visitors-change";
  query: string;
  total: number;
  rows: PresenceVisitor[];
  counts: VisitorCountsBySite;
}
