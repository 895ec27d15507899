import { sql, type Kysely, type SelectQueryBuilder } from "kysely";
import type { Database } from "../storage/schema.js";
import type { AuditRecord } from "./entry.js";
import { fromRow } from "./trail.js";

/** A value to match exactly, or (`prefix: true`) every value that starts with it. */
export interface TextMatch {
  readonly value: string;
  readonly prefix: boolean;
}

export interface AuditFilter {
  readonly actor?: TextMatch | undefined;
  readonly action?: TextMatch | undefined;
  readonly target?: TextMatch | undefined;
  /** Epoch ms, inclusive. */
  readonly from?: number | undefined;
  /** Epoch ms, exclusive. */
  readonly to?: number | undefined;
}

export interface AuditPage {
  /** Newest first. */
  readonly entries: readonly AuditRecord[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  readonly nextBefore: number | null;
}

/**
 * One page of audit entries matching the filter, newest first, continuing below `before` (a
 * sequence number): keyset paging, so a page costs the same however deep it is and entries
 * appended meanwhile never shift the pages already read.
 */
export async function searchAudit(db: Kysely<Database>, filter: AuditFilter, page: { before?: number | undefined; limit: number }): Promise<AuditPage> {
  let query = db.selectFrom("audit_log").selectAll();
  query = matchText(query, "actor", filter.actor);
  query = matchText(query, "action", filter.action);
  query = matchText(query, "target", filter.target);
  if (filter.from !== undefined) query = query.where("at", ">=", filter.from);
  if (filter.to !== undefined) query = query.where("at", "<", filter.to);
  if (page.before !== undefined) query = query.where("seq", "<", page.before);
  const rows = await query.orderBy("seq", "desc").limit(page.limit + 1).execute();
  const entries = rows.slice(0, page.limit).map(fromRow);
  const last = entries[entries.length - 1];
  return { entries, nextBefore: rows.length > page.limit && last ? last.seq : null };
}

type AuditQuery = SelectQueryBuilder<Database, "audit_log", Database["audit_log"]>;

function matchText(query: AuditQuery, column: "actor" | "action" | "target", match: TextMatch | undefined): AuditQuery {
  if (!match) return query;
  if (!match.prefix) return query.where(column, "=", match.value);
  // substr() compares bytes on both dialects; LIKE would differ (case, collation, escaping).
  return query.where(sql<string>`substr(${sql.ref(column)}, 1, ${match.value.length})`, "=", match.value);
}
