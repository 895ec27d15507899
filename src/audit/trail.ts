import type { Kysely, Transaction } from "kysely";
import { AirlockError } from "../errors.js";
import type { Database } from "../storage/schema.js";
import { chainHash } from "./chain-hash.js";
import { auditEntrySchema, type AuditEntry, type AuditRecord } from "./entry.js";
import type { AuditLogTable } from "./schema.js";

/**
 * Appends one entry inside the caller's transaction, so it commits (or rolls back) together with
 * the change it records. The chain head row is advanced first: that UPDATE takes the row lock on
 * PostgreSQL (and the write lock on SQLite), so concurrent appends queue up and form one chain.
 */
export async function appendAudit(trx: Transaction<Database>, entry: AuditEntry): Promise<AuditRecord> {
  const parsed = auditEntrySchema.safeParse(entry);
  if (!parsed.success) {
    throw new AirlockError("internal", "invalid audit entry", { details: { issues: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`) } });
  }
  const e = parsed.data;
  const head = await trx
    .updateTable("audit_head")
    .set((eb) => ({ seq: eb("seq", "+", 1) }))
    .where("id", "=", 1)
    .returning(["seq", "hash"])
    .executeTakeFirst();
  if (!head) throw new AirlockError("internal", "audit chain head is missing (run migrations)");
  const seq = Number(head.seq);
  const base = {
    seq,
    at: e.at ?? Date.now(),
    actor: e.actor,
    action: e.action,
    target: e.target ?? null,
    decision: e.decision,
    rule: e.rule ?? null,
    sourceAddress: e.sourceAddress ?? null,
  };
  const hash = chainHash(head.hash, base);
  await trx
    .insertInto("audit_log")
    .values({ ...toRow(base), prev_hash: head.hash, hash })
    .execute();
  await trx.updateTable("audit_head").set({ hash }).where("id", "=", 1).execute();
  return { ...base, prevHash: head.hash, hash };
}

/** Appends an entry in a transaction of its own (for events that change nothing else, e.g. a denial). */
export async function recordAudit(db: Kysely<Database>, entry: AuditEntry): Promise<AuditRecord> {
  return db.transaction().execute((trx) => appendAudit(trx, entry));
}

export type VerifyResult =
  | { readonly ok: true; readonly entries: number; readonly headSeq: number; readonly headHash: string }
  | { readonly ok: false; readonly entries: number; readonly brokenAt: number; readonly reason: string };

const PAGE = 2000;

/** Walks the whole chain from its anchor and reports the first broken link: its sequence number and why. */
export async function verifyAudit(db: Kysely<Database>): Promise<VerifyResult> {
  const head = await db.selectFrom("audit_head").selectAll().where("id", "=", 1).executeTakeFirst();
  if (!head) return { ok: false, entries: 0, brokenAt: 0, reason: "the chain head row is missing" };
  let expected = Number(head.anchor_seq);
  let prevHash = head.anchor_prev_hash;
  let entries = 0;
  for (let after = expected - 1; ; ) {
    const rows = await db.selectFrom("audit_log").selectAll().where("seq", ">", after).orderBy("seq").limit(PAGE).execute();
    for (const row of rows) {
      const r = fromRow(row);
      if (r.seq !== expected) {
        return { ok: false, entries, brokenAt: expected, reason: `entry ${expected} is missing (the next stored entry is ${r.seq})` };
      }
      if (r.prevHash !== prevHash) {
        return { ok: false, entries, brokenAt: r.seq, reason: `entry ${r.seq} does not link to entry ${r.seq - 1}: its previous-hash differs (entries removed, reordered or rewritten)` };
      }
      if (chainHash(r.prevHash, r) !== r.hash) {
        return { ok: false, entries, brokenAt: r.seq, reason: `entry ${r.seq} does not match its hash: its content was altered` };
      }
      prevHash = r.hash;
      expected += 1;
      entries += 1;
    }
    if (rows.length < PAGE) break;
    after = expected - 1;
  }
  const headSeq = Number(head.seq);
  if (expected - 1 !== headSeq) {
    return expected - 1 < headSeq
      ? { ok: false, entries, brokenAt: expected, reason: `entry ${expected} is missing (the chain head records ${headSeq} entries)` }
      : { ok: false, entries, brokenAt: headSeq + 1, reason: `entry ${headSeq + 1} lies beyond the chain head (${headSeq})` };
  }
  if (headSeq > 0 && prevHash !== head.hash) {
    return { ok: false, entries, brokenAt: headSeq, reason: `entry ${headSeq} does not match the hash recorded in the chain head` };
  }
  return { ok: true, entries, headSeq, headHash: head.hash };
}

/** Every entry in order (optionally after a sequence number), for export to a SIEM. */
export async function* exportAudit(db: Kysely<Database>, options: { afterSeq?: number } = {}): AsyncGenerator<AuditRecord> {
  let after = options.afterSeq ?? 0;
  for (;;) {
    const rows = await db.selectFrom("audit_log").selectAll().where("seq", ">", after).orderBy("seq").limit(PAGE).execute();
    for (const row of rows) yield fromRow(row);
    if (rows.length < PAGE) return;
    after = Number(rows[rows.length - 1]?.seq ?? after);
  }
}

/** How a prune records itself in the trail it prunes (retention passes this). */
export interface PruneRecord {
  readonly actor: string;
  /** The rule that asked for the prune, e.g. `retention.auditTrail`. */
  readonly rule: string;
  /** Epoch ms of the prune entry; defaults to now. */
  readonly at?: number;
}

/**
 * Retention: removes entries older than `before` and moves the anchor to the first kept entry in
 * the same transaction, so the remaining chain still verifies from its new start. With `record`,
 * an `audit.pruned` entry naming the last removed sequence number is appended in that same
 * transaction, so the trail itself says where its anchor moved and why.
 */
export async function pruneAudit(db: Kysely<Database>, before: number, record?: PruneRecord): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const head = await trx.updateTable("audit_head").set((eb) => ({ seq: eb("seq", "+", 0) })).where("id", "=", 1).returning(["seq"]).executeTakeFirst();
    if (!head) throw new AirlockError("internal", "audit chain head is missing (run migrations)");
    const last = await trx.selectFrom("audit_log").select(["seq", "hash"]).where("at", "<", before).orderBy("seq", "desc").limit(1).executeTakeFirst();
    if (!last) return 0;
    const removed = await trx.deleteFrom("audit_log").where("seq", "<=", last.seq).executeTakeFirst();
    await trx.updateTable("audit_head").set({ anchor_seq: Number(last.seq) + 1, anchor_prev_hash: last.hash }).where("id", "=", 1).execute();
    const count = Number(removed.numDeletedRows);
    if (record && count > 0) {
      await appendAudit(trx, { actor: record.actor, action: "audit.pruned", target: `audit:upto:${Number(last.seq)}`, decision: "info", rule: record.rule, ...(record.at === undefined ? {} : { at: record.at }) });
    }
    return count;
  });
}

function toRow(r: Omit<AuditRecord, "prevHash" | "hash">): Omit<AuditLogTable, "prev_hash" | "hash"> {
  return { seq: r.seq, at: r.at, actor: r.actor, action: r.action, target: r.target, decision: r.decision, rule: r.rule, source_address: r.sourceAddress };
}

/** A stored row in its exported, hashed form. */
export function fromRow(row: AuditLogTable): AuditRecord {
  return {
    seq: Number(row.seq),
    at: Number(row.at),
    actor: row.actor,
    action: row.action,
    target: row.target,
    decision: row.decision,
    rule: row.rule,
    sourceAddress: row.source_address,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

