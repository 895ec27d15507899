import { AirlockError } from "../errors.js";
import { VISITOR_QUERY_LIMITS } from "../protocol/visitor-query-frames.js";
import type { VisitorQuery } from "../protocol/visitor-query.js";
import { LiveVisitorQuery, type LiveQueryOptions, type VisitorQueryFrame } from "./live-visitor-query.js";
import type { PresenceRegistry } from "./registry.js";

/** Whether the agent may see a site's visitors: a registered site the policy lets it see. */
export type SiteAccess = (site: string) => boolean;

/**
 * The live visitor queries of one console connection, at most `maxQueriesPerConnection`. Every
 * check runs before anything is subscribed, so a refused query leaves nothing behind (and does
 * not end the query it would have replaced).
 */
export class ConsoleVisitorQueries {
  readonly #queries = new Map<string, LiveVisitorQuery>();

  constructor(
    private readonly presence: PresenceRegistry,
    private readonly access: SiteAccess,
    private readonly send: (frame: VisitorQueryFrame) => void,
    private readonly options: LiveQueryOptions = {},
  ) {}

  /** Starts the query named `id`, replacing the one of that name. */
  start(id: string, query: VisitorQuery): void {
    if (query.limit > VISITOR_QUERY_LIMITS.maxPageSize) {
      throw new AirlockError("page_too_large", `a page holds at most ${VISITOR_QUERY_LIMITS.maxPageSize} visitors`);
    }
    for (const site of query.sites) {
      // An unregistered site is refused like another team's: the answer tells no one which sites exist.
      if (!this.access(site)) throw new AirlockError("forbidden", `you may not see the visitors of site ${site}`);
    }
    if (!this.#queries.has(id) && this.#queries.size >= VISITOR_QUERY_LIMITS.maxQueriesPerConnection) {
      throw new AirlockError("too_many_queries", `a console holds at most ${VISITOR_QUERY_LIMITS.maxQueriesPerConnection} visitor queries at once`);
    }
    this.#queries.get(id)?.stop();
    this.#queries.set(id, new LiveVisitorQuery(this.presence, id, query, this.send, this.options));
  }

  stop(id: string): void {
    this.#queries.get(id)?.stop();
    this.#queries.delete(id);
  }

  /** How many live queries this connection holds. */
  get size(): number {
    return this.#queries.size;
  }

  close(): void {
    for (const q of this.#queries.values()) q.stop();
    this.#queries.clear();
  }
}
