import type { PresenceVisitor } from "../protocol/chat-frames.js";
import type { VisitorCounts, VisitorCountsBySite, VisitorSortKey } from "../protocol/visitor-query-frames.js";
import type { VisitorQuery } from "../protocol/visitor-query.js";

/** A visitor of the list with the site it is on (a query may name several sites). */
export interface SiteVisitor {
  readonly site: string;
  readonly visitor: PresenceVisitor;
}

export interface QueryResult {
  readonly total: number;
  readonly rows: readonly SiteVisitor[];
}

/** Whether a visit matches the query's filter (its sites are chosen by the caller). */
export function matches(q: VisitorQuery, v: PresenceVisitor, now: number): boolean {
  if (q.visitor !== undefined && v.visitor !== q.visitor) return false;
  if (q.chat !== undefined && !q.chat.includes(v.chat)) return false;
  if (q.cobrowse !== undefined && v.cobrowse !== q.cobrowse) return false;
  if (q.minTimeOnSiteMs !== undefined && now - v.startedAt < q.minTimeOnSiteMs) return false;
  if (q.urlContains !== undefined && !v.url.toLowerCase().includes(q.urlContains.toLowerCase())) return false;
  return true;
}

type Compare = (a: PresenceVisitor, b: PresenceVisitor) => number;

const byKey: Record<VisitorSortKey, Compare> = {
  startedAt: (a, b) => a.startedAt - b.startedAt,
  lastSeenAt: (a, b) => a.lastSeenAt - b.lastSeenAt,
  pagesViewed: (a, b) => a.pagesViewed - b.pagesViewed,
  name: (a, b) => a.name.localeCompare(b.name),
  url: (a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0),
  // Longest on the site first when ascending would read backwards: time on site grows as startedAt falls.
  timeOnSite: (a, b) => b.startedAt - a.startedAt,
};

/** The query's order; ties fall back to the visit id, so a page is the same every time it is asked. */
export function comparator(q: VisitorQuery): Compare {
  const key = byKey[q.sort.by];
  const sign = q.sort.order === "asc" ? 1 : -1;
  return (a, b) => sign * key(a, b) || (a.visitor < b.visitor ? -1 : a.visitor > b.visitor ? 1 : 0);
}

/**
 * One page of the query over the sites' lists: filter, sort, then `offset` and `limit`. A heap
 * keeps the best offset + limit rows while the lists are read once, so a small page of a large
 * list costs one pass and no sort of the whole list.
 */
export function runQuery(q: VisitorQuery, lists: ReadonlyMap<string, readonly PresenceVisitor[]>, now: number): QueryResult {
  const compare = comparator(q);
  const keep = q.offset + q.limit;
  // A max-heap: the worst row kept is at the root, and a better one replaces it.
  const heap: SiteVisitor[] = [];
  const worse = (i: number, j: number) => compare((heap[i] as SiteVisitor).visitor, (heap[j] as SiteVisitor).visitor) > 0;
  const swap = (i: number, j: number) => ([heap[i], heap[j]] = [heap[j] as SiteVisitor, heap[i] as SiteVisitor]);
  let total = 0;
  for (const [site, visitors] of lists) {
    for (const visitor of visitors) {
      if (!matches(q, visitor, now)) continue;
      total += 1;
      if (heap.length < keep) {
        heap.push({ site, visitor });
        for (let i = heap.length - 1; i > 0 && worse(i, (i - 1) >> 1); i = (i - 1) >> 1) swap(i, (i - 1) >> 1);
      } else if (compare(visitor, (heap[0] as SiteVisitor).visitor) < 0) {
        heap[0] = { site, visitor };
        for (let i = 0; ; ) {
          const l = 2 * i + 1;
          const r = l + 1;
          let top = i;
          if (l < heap.length && worse(l, top)) top = l;
          if (r < heap.length && worse(r, top)) top = r;
          if (top === i) break;
          swap(i, top);
          i = top;
        }
      }
    }
  }
  return { total, rows: heap.sort((a, b) => compare(a.visitor, b.visitor)).slice(q.offset, keep) };
}

/** Visitors, chatting (queued or active) and co-browsing, per site and together. */
export function countVisitors(lists: ReadonlyMap<string, readonly PresenceVisitor[]>): VisitorCountsBySite {
  const all: VisitorCounts = { visitors: 0, chatting: 0, cobrowsing: 0 };
  const sites: Record<string, VisitorCounts> = {};
  for (const [site, visitors] of lists) {
    const c: VisitorCounts = { visitors: visitors.length, chatting: 0, cobrowsing: 0 };
    for (const v of visitors) {
      if (v.chat === "queued" || v.chat === "active") c.chatting += 1;
      if (v.cobrowse === "active") c.cobrowsing += 1;
    }
    sites[site] = c;
    all.visitors += c.visitors;
    all.chatting += c.chatting;
    all.cobrowsing += c.cobrowsing;
  }
  return { all, sites };
}
