import type { PresenceVisitor, VerifiedCustomer } from "../protocol/chat-messages.js";
import { visitorPseudonym } from "./pseudonym.js";
import { browserFamily, deviceFamily, languageTag } from "./user-agent.js";

type ChatState = PresenceVisitor["chat"];
/** Told that the site's list changed (never what changed: a listener asks for what it shows). */
type Listener = (site: string) => void;

interface Entry extends PresenceVisitor {
  connections: number;
  goneAt: number | null;
}

/** What a visitor connection reports about the page it is on and its browser. */
export interface PageReport {
  readonly url: string;
  readonly title: string;
  readonly referrer: string;
  readonly language?: string;
  readonly userAgent?: string;
}

/** Pages of a visit kept for the agent's visitor context (the latest ones: a visit may be long). */
export const MAX_LISTED_PAGES = 20;

/**
 * Who is on each site right now, in memory only (never stored): current page and title, pages
 * viewed this visit, referrer, time on site, chat and co-browse state. A visitor is known only by
 * the visitor script's random per-visit id. A visit survives page loads: the entry is kept for
 * `graceMs` after its last connection closes, so the next page continues the count.
 */
export class PresenceRegistry {
  readonly #sites = new Map<string, Map<string, Entry>>();
  readonly #listeners = new Map<string, Set<Listener>>();
  /** Per site, a number that moves on every change of its list (caches of the list key on it). */
  readonly #versions = new Map<string, number>();
  readonly #snapshots = new Map<string, { version: number; visitors: readonly PresenceVisitor[] }>();
  /** Per site, the listed facts of each visit connected here, as of its last change (a frozen copy, made once per change). */
  readonly #visible = new Map<string, Map<string, PresenceVisitor>>();

  constructor(
    protected readonly now: () => number = Date.now,
    private readonly graceMs = 30_000,
  ) {}

  /**
   * A visitor's connection reports the page it is on (every page load and in-site navigation).
   * Of its browser only the language tag and the browser and device families are kept.
   */
  pageView(site: string, visitor: string, report: PageReport): void {
    const entries = this.#site(site);
    const now = this.now();
    const page = { url: report.url, title: report.title };
    const existing = entries.get(visitor);
    if (existing) {
      if (existing.url !== page.url) {
        existing.pagesViewed += 1;
        existing.pages = [...(existing.pages ?? []), { ...page, at: now }].slice(-MAX_LISTED_PAGES);
      }
      existing.url = page.url;
      existing.title = page.title;
      existing.lastSeenAt = now;
      existing.goneAt = null;
      // Each report says it all again: a fact it no longer carries is no longer shown.
      for (const fact of ["language", "browser", "device"] as const) delete existing[fact];
      Object.assign(existing, browserFacts(report));
    } else {
      // The connection reporting its first page is open: it counts (connected() ran before any entry existed).
      entries.set(visitor, {
        visitor,
        name: visitorPseudonym(visitor),
        ...page,
        referrer: report.referrer,
        pagesViewed: 1,
        startedAt: now,
        lastSeenAt: now,
        chat: "none",
        cobrowse: "none",
        pages: [{ ...page, at: now }],
        ...browserFacts(report),
        connections: 1,
        goneAt: null,
      });
    }
    this.#changed(site, visitor);
  }

  /** A connection of the visit opened (call before its first pageView). */
  connected(site: string, visitor: string): void {
    const e = this.#site(site).get(visitor);
    if (e) {
      e.connections += 1;
      const back = e.goneAt !== null;
      e.goneAt = null;
      if (back) this.#changed(site, visitor);
    }
  }

  disconnected(site: string, visitor: string): void {
    const e = this.#sites.get(site)?.get(visitor);
    if (!e) return;
    e.connections = Math.max(0, e.connections - 1);
    if (e.connections === 0) {
      e.goneAt = this.now();
      this.#changed(site, visitor);
    }
  }

  setChat(site: string, visitor: string, chat: ChatState): void {
    const e = this.#sites.get(site)?.get(visitor);
    if (e && e.chat !== chat) {
      e.chat = chat;
      this.#changed(site, visitor);
    }
  }

  setCobrowse(site: string, visitor: string, cobrowse: PresenceVisitor["cobrowse"]): void {
    const e = this.#sites.get(site)?.get(visitor);
    if (e && e.cobrowse !== cobrowse) {
      e.cobrowse = cobrowse;
      this.#changed(site, visitor);
    }
  }

  /** The site vouched for this visit's customer (checked by src/visitor-identity); kept while the visit lasts. */
  setVerified(site: string, visitor: string, customer: VerifiedCustomer): void {
    const e = this.#sites.get(site)?.get(visitor);
    if (!e) return;
    e.verified = { customerId: customer.customerId, name: customer.name, attributes: { ...customer.attributes } };
    this.#changed(site, visitor);
  }

  verifiedOf(site: string, visitor: string): VerifiedCustomer | undefined {
    return this.#sites.get(site)?.get(visitor)?.verified;
  }

  /** Visitors currently on the site (disconnected ones within their grace period are left out). */
  list(site: string): PresenceVisitor[] {
    return this.localList(site);
  }

  /** The visitors whose connection is on this process. */
  protected localList(site: string): PresenceVisitor[] {
    this.sweep();
    return [...(this.#visible.get(site)?.values() ?? [])].map((v) => ({ ...v })).sort((a, b) => a.startedAt - b.startedAt);
  }

  /** Sites with visitors connected to this process. */
  protected localSites(): string[] {
    return [...this.#sites.keys()];
  }

  /** The page a visit is on now (on any process this registry hears of), for routing by page. */
  pageOf(site: string, visitor: string): string | undefined {
    return this.list(site).find((v) => v.visitor === visitor)?.url;
  }

  has(site: string, visitor: string): boolean {
    const e = this.#sites.get(site)?.get(visitor);
    return e !== undefined && e.goneAt === null;
  }

  /**
   * Calls `listener` after each change of the site's list (a visit arriving, changing or leaving,
   * here or on another replica). Listeners coalesce and ask `snapshot` for what they show: no
   * list is built per change.
   */
  subscribe(site: string, listener: Listener): () => void {
    let set = this.#listeners.get(site);
    if (!set) this.#listeners.set(site, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(site) === set) this.#listeners.delete(site);
    };
  }

  /** Listeners of the site (a test checks that a refused or ended query leaves none behind). */
  listenerCount(site: string): number {
    return this.#listeners.get(site)?.size ?? 0;
  }

  /**
   * The site's visitors (as `list`, in no particular order), shared and read-only: an array of
   * the frozen copies each change made, built at most once per change of the list however many
   * consoles query it — no visit is copied or sorted for it.
   */
  snapshot(site: string): readonly PresenceVisitor[] {
    this.refresh();
    const version = this.#versions.get(site) ?? 0;
    const cached = this.#snapshots.get(site);
    if (cached && cached.version === version) return cached.visitors;
    const [local, ...others] = this.visibleSources(site);
    const visitors: PresenceVisitor[] = [...(local?.values() ?? [])];
    for (const source of others) for (const [id, v] of source) if (!local?.has(id)) visitors.push(v);
    if (visitors.length === 0) this.#snapshots.delete(site);
    else this.#snapshots.set(site, { version, visitors });
    return visitors;
  }

  /** Where a site's visitors are listed: this process's first (it wins for a visit listed twice). */
  protected visibleSources(site: string): readonly ReadonlyMap<string, PresenceVisitor>[] {
    const local = this.#visible.get(site);
    return local ? [local] : [];
  }

  /** Brings the list up to date before it is read (a subclass drops silent replicas here). */
  protected refresh(): void {}

  /** Forgets visits whose last connection closed more than `graceMs` ago. */
  sweep(): void {
    const limit = this.now() - this.graceMs;
    for (const [site, entries] of this.#sites) {
      for (const [id, e] of entries) if (e.goneAt !== null && e.goneAt < limit) entries.delete(id);
      if (entries.size === 0) this.#sites.delete(site);
    }
  }

  #site(site: string): Map<string, Entry> {
    let entries = this.#sites.get(site);
    if (!entries) this.#sites.set(site, (entries = new Map<string, Entry>()));
    return entries;
  }

  /**
   * A visit's listed facts changed, or it left the list (`entry` undefined). Subclasses that
   * share the list with other processes hear every change here.
   */
  protected visitChanged(_site: string, _visitor: string, _entry: PresenceVisitor | undefined): void {}

  #changed(site: string, visitor: string): void {
    const e = this.#sites.get(site)?.get(visitor);
    const visible = e && e.goneAt === null ? Object.freeze(visibleOf(e)) : undefined;
    let listed = this.#visible.get(site);
    if (visible) {
      if (!listed) this.#visible.set(site, (listed = new Map<string, PresenceVisitor>()));
      listed.set(visitor, visible);
    } else if (listed) {
      listed.delete(visitor);
      if (listed.size === 0) this.#visible.delete(site);
    }
    this.visitChanged(site, visitor, visible);
    this.notify(site);
  }

  /** The site's list changed: caches of it are stale, and its listeners are told. */
  protected notify(site: string): void {
    this.#versions.set(site, (this.#versions.get(site) ?? 0) + 1);
    const listeners = this.#listeners.get(site);
    if (!listeners) return;
    for (const l of [...listeners]) l(site);
  }
}

function browserFacts(report: PageReport): Pick<PresenceVisitor, "language" | "browser" | "device"> {
  const language = languageTag(report.language);
  const ua = report.userAgent;
  return { ...(language ? { language } : {}), ...(ua ? { browser: browserFamily(ua), device: deviceFamily(ua) } : {}) };
}

function visibleOf(e: Entry): PresenceVisitor {
  const { connections: _c, goneAt: _g, ...visible } = e;
  return { ...visible };
}
