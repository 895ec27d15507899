import type { PresenceVisitor } from "../protocol/chat-frames.js";
import type { VisitorCounts, VisitorCountsBySite, VisitorsChangeFrame, VisitorsPageFrame } from "../protocol/visitor-query-frames.js";
import type { VisitorQuery } from "../protocol/visitor-query.js";
import type { PresenceRegistry } from "./registry.js";
import { countVisitors, runQuery } from "./visitor-query.js";

export type VisitorQueryFrame = VisitorsPageFrame | VisitorsChangeFrame;

export interface LiveQueryOptions {
  readonly now?: () => number;
  /** Changes within this window go out as one frame: at most one frame per window per query. */
  readonly flushMs?: number;
  /** How often a query filtering on time on site looks again (visits cross its line without any change). */
  readonly recheckMs?: number;
}

/** Pause between a change and the frame that tells it (changes in between share that frame). */
export const DEFAULT_FLUSH_MS = 250;

/**
 * One live query of one console: sends its page at once, then, at most once per `flushMs`, the
 * page again when its rows changed (`visitors-page`), only the rows whose facts changed when the
 * same rows stay in the same order (`visitors-change`), or nothing when neither the page nor the
 * counts moved. A change elsewhere on a busy site costs this query at most one evaluation per
 * window and reaches the console only if it shows.
 */
export class LiveVisitorQuery {
  readonly #stops: (() => void)[] = [];
  readonly #now: () => number;
  readonly #flushMs: number;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #recheck: ReturnType<typeof setInterval> | undefined;
  /** The page's row keys as last sent (undefined before the first frame). */
  #lastKeys: string | undefined;
  #lastRows = new Map<string, string>();
  #lastTotal = -1;
  #lastCounts = "";
  #stopped = false;

  constructor(
    private readonly presence: PresenceRegistry,
    readonly id: string,
    readonly query: VisitorQuery,
    private readonly send: (frame: VisitorQueryFrame) => void,
    options: LiveQueryOptions = {},
  ) {
    this.#now = options.now ?? Date.now;
    this.#flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
    for (const site of new Set(query.sites)) this.#stops.push(presence.subscribe(site, () => this.#changed()));
    if (query.minTimeOnSiteMs !== undefined) {
      this.#recheck = setInterval(() => this.#changed(), options.recheckMs ?? 5_000);
      this.#recheck.unref();
    }
    this.flush();
  }

  /** Sends what changed since the last frame (the timer calls it; tests may too). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped) return;
    const lists = new Map<string, readonly PresenceVisitor[]>();
    for (const site of this.query.sites) lists.set(site, this.presence.snapshot(site));
    const { total, rows } = runQuery(this.query, lists, this.#now());
    const counts = countsOf(lists);
    const keys = rows.map((r) => `${r.site}/${r.visitor.visitor}`);
    const texts = rows.map((r) => JSON.stringify(r.visitor));
    const countsText = JSON.stringify(counts);
    const visible = rows.map((r) => r.visitor);
    if (keys.join("\n") !== this.#lastKeys) {
      this.send({ kind: "visitors-page", query: this.id, offset: this.query.offset, total, rows: visible, counts });
    } else {
      const changed = visible.filter((_, i) => this.#lastRows.get(keys[i] ?? "") !== texts[i]);
      if (changed.length === 0 && total === this.#lastTotal && countsText === this.#lastCounts) return;
      this.send({ kind: "visitors-change", query: this.id, total, rows: changed, counts });
    }
    this.#lastKeys = keys.join("\n");
    this.#lastRows = new Map(keys.map((k, i) => [k, texts[i] ?? ""]));
    this.#lastTotal = total;
    this.#lastCounts = countsText;
  }

  stop(): void {
    this.#stopped = true;
    for (const stop of this.#stops.splice(0)) stop();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#recheck !== undefined) clearInterval(this.#recheck);
    this.#timer = undefined;
    this.#recheck = undefined;
  }

  #changed(): void {
    if (this.#stopped || this.#timer !== undefined) return;
    this.#timer = setTimeout(() => this.flush(), this.#flushMs);
    this.#timer.unref();
  }
}

// Counts of a site's list, computed once per list (the lists are shared snapshots).
const countCache = new WeakMap<readonly PresenceVisitor[], VisitorCounts>();

function countsOf(lists: ReadonlyMap<string, readonly PresenceVisitor[]>): VisitorCountsBySite {
  const all: VisitorCounts = { visitors: 0, chatting: 0, cobrowsing: 0 };
  const sites: Record<string, VisitorCounts> = {};
  for (const [site, visitors] of lists) {
    let c = countCache.get(visitors);
    if (!c) {
      c = countVisitors(new Map([[site, visitors]])).all;
      countCache.set(visitors, c);
    }
    sites[site] = c;
    all.visitors += c.visitors;
    all.chatting += c.chatting;
    all.cobrowsing += c.cobrowsing;
  }
  return { all, sites };
}
