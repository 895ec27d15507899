import type { Kysely } from "kysely";
import { z } from "zod";
import type { ConversationKeys } from "../chat/conversation-keys.js";
import { eraseConversations } from "../chat/erasure.js";
import { eraseVisitor } from "../chat/gdpr.js";
import { sweepOrphanKeys } from "../chat/retention.js";
import type { Database } from "../storage/schema.js";
import { BackupError } from "./errors.js";

// A restore brings back what the backup held, including conversations erased after it was taken.
// These functions take them out again, right after the rows are loaded, from every record of an
// erasure that is available: the erasure entries of an audit export (the SIEM copy), the entries
// of the database a --force restore replaces, and the key vault itself (a conversation whose
// data key is gone was erased; a data key whose conversation is gone belongs to an erasure).

export interface ErasureReplay {
  /** Visitors whose `gdpr.erase` entry is later than the backup, erased again. */
  readonly visitors: readonly string[];
  /** Conversations removed because their data key is no longer in the key vault. */
  readonly keylessConversations: number;
  /** Data keys removed from a restored vault because their conversation no longer exists. */
  readonly orphanKeys: number;
  /** Why a step did not run (said to the operator), when one did not. */
  readonly notes: readonly string[];
}

export interface ErasureRecord {
  readonly at: number;
  readonly action: string;
  readonly target: string | null;
  readonly decision: string;
}

const exportLine = z.object({ seq: z.number().int(), at: z.number().int().nonnegative(), action: z.string(), target: z.string().nullable(), decision: z.string() });

/** Parses `airlock audit export` output (JSON lines); a line that is not an audit entry is refused by number. */
export function parseAuditExport(text: string): ErasureRecord[] {
  const out: ErasureRecord[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new BackupError("backup_erasure_list", `line ${i + 1} of the erasure list is not JSON: give the output of "airlock audit export"`);
    }
    const parsed = exportLine.safeParse(value);
    if (!parsed.success) throw new BackupError("backup_erasure_list", `line ${i + 1} of the erasure list is not an audit entry (${parsed.error.issues[0]?.path.join(".") ?? "?"}: ${parsed.error.issues[0]?.message ?? "?"})`);
    out.push(parsed.data);
  });
  return out;
}

/** Visitor ids of the successful `gdpr.erase` entries later than `after` (epoch ms), each once. */
export function visitorsErasedAfter(records: Iterable<ErasureRecord>, after: number): string[] {
  const visitors = new Set<string>();
  for (const r of records) {
    if (r.action === "gdpr.erase" && r.decision === "success" && r.at > after && r.target?.startsWith("visitor:")) visitors.add(r.target.slice("visitor:".length));
  }
  return [...visitors];
}

/** The erasure entries of a database's own audit trail (read before a --force restore replaces it). */
export async function erasureEntries(db: Kysely<Database>): Promise<ErasureRecord[]> {
  try {
    return await db.selectFrom("audit_log").select(["at", "action", "target", "decision"]).where("action", "=", "gdpr.erase").execute();
  } catch {
    return []; // not migrated yet: nothing was erased there
  }
}

const PAGE = 500;

/**
 * After a main-database restore: erases again every listed visitor, then removes restored
 * conversations whose data key the live vault no longer holds. With an empty vault (it is being
 * restored too) the second step is left to the vault restore.
 */
export async function reapplyAfterMainRestore(db: Kysely<Database>, keys: ConversationKeys, visitors: readonly string[]): Promise<ErasureReplay> {
  for (const visitor of visitors) await eraseVisitor(db, keys, visitor, "system");
  const notes: string[] = [];
  const anyKey = await keys.vault.db.selectFrom("vault_data_key").select("conversation_id").limit(1).executeTakeFirst();
  let keyless = 0;
  if (!anyKey) {
    notes.push("the key vault is empty: conversations erased after the backup are removed when the vault backup is restored");
  } else {
    for (let after = ""; ; ) {
      const ids = (await db.selectFrom("chat_conversation").select("id").where("id", ">", after).orderBy("id").limit(PAGE).execute()).map((r) => r.id);
      if (ids.length === 0) break;
      const present = new Set((await keys.vault.db.selectFrom("vault_data_key").select("conversation_id").where("conversation_id", "in", ids).execute()).map((r) => r.conversation_id));
      const gone = ids.filter((id) => !present.has(id));
      if (gone.length > 0) keyless += (await eraseConversations(db, keys, gone, { actor: "system", action: "backup.reapply_erasure", target: `conversations:${gone.length}` })).conversations;
      after = ids[ids.length - 1] ?? after;
    }
  }
  return { visitors: [...visitors], keylessConversations: keyless, orphanKeys: 0, notes };
}

/**
 * After a key-vault restore: deletes every restored data key whose conversation the main
 * database no longer holds (erased, or expired, after the vault backup was taken). The main
 * database must be restored first, or every key would look orphaned (see `requireMainHoldsData`).
 */
export async function reapplyAfterVaultRestore(db: Kysely<Database>, keys: ConversationKeys, backupCreatedAt: number): Promise<ErasureReplay> {
  const orphanKeys = await sweepOrphanKeys(db, keys, backupCreatedAt + 1);
  return { visitors: [], keylessConversations: 0, orphanKeys, notes: [] };
}

/** Refuses a vault restore while the main database is empty: the orphan sweep would take every key. */
export async function requireMainHoldsData(db: Kysely<Database>): Promise<void> {
  const head = await db
    .selectFrom("audit_head")
    .select("seq")
    .where("id", "=", 1)
    .executeTakeFirst()
    .catch(() => undefined);
  if (!head || Number(head.seq) === 0) {
    throw new BackupError("backup_restore_order", "the main database is empty: restore the main backup first, then the vault backup (the vault restore removes the data keys of conversations erased after the backup, which it reads from the main database)");
  }
}
