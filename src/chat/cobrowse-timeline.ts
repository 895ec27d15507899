import type { Kysely } from "kysely";
import { agentNames } from "../auth/agent-names.js";
import type { Database } from "../storage/schema.js";
import type { Conversation } from "./conversations.js";

// Co-browse in a conversation's transcript. The relay's audit trail names a co-browse session
// (`room:<id>@<site>`), not a conversation; when a session starts, it is linked to the open
// conversations of the same visit (chat_cobrowse_session, ids only). The transcript then reads
// those sessions' start, watchers joining, mode changes and end from the audit trail: metadata
// only, never anything of the page.

/** Links a co-browse session that just started to the visit's open chats (idempotent). */
export async function linkCobrowseSession(db: Kysely<Database>, link: { session: string; site: string; visit: string }, at: number): Promise<void> {
  const open = await db
    .selectFrom("chat_conversation")
    .select("id")
    .where("site_id", "=", link.site)
    .where("visitor_id", "=", link.visit)
    .where("state", "in", ["queued", "active"])
    .execute();
  if (open.length === 0) return;
  await db
    .insertInto("chat_cobrowse_session")
    .values(open.map((c) => ({ conversation_id: c.id, session_id: link.session, site_id: link.site, linked_at: at })))
    .onConflict((oc) => oc.columns(["conversation_id", "session_id"]).doNothing())
    .execute();
}

export type CobrowseEvent =
  | { readonly at: number; readonly kind: "started" }
  | { readonly at: number; readonly kind: "joined"; readonly agentName: string }
  | { readonly at: number; readonly kind: "mode"; readonly mode: "view" | "control" }
  | { readonly at: number; readonly kind: "ended"; readonly reason: string };

/** At most this many co-browse events in one transcript (a long chat with many sessions stays bounded). */
const MAX_EVENTS = 200;

/** The co-browse events of the sessions linked to a conversation, in the order they were audited. */
export async function cobrowseEventsOf(db: Kysely<Database>, conversation: Conversation): Promise<CobrowseEvent[]> {
  const links = await db.selectFrom("chat_cobrowse_session").select(["session_id", "site_id"]).where("conversation_id", "=", conversation.id).execute();
  if (links.length === 0) return [];
  const rows = await db
    .selectFrom("audit_log")
    .select(["at", "actor", "action"])
    .where(
      "target",
      "in",
      links.map((l) => `room:${l.session_id}@${l.site_id}`),
    )
    .where((eb) => eb.or([eb("action", "=", "cobrowse.start"), eb("action", "=", "cobrowse.watcher.join"), eb("action", "like", "cobrowse.mode.%"), eb("action", "like", "cobrowse.end.%")]))
    .orderBy("seq")
    .limit(MAX_EVENTS)
    .execute();
  const agentIds = rows.filter((r) => r.action === "cobrowse.watcher.join" && r.actor.startsWith("agent:")).map((r) => r.actor.slice("agent:".length));
  const names = await agentNames(db, agentIds);
  return rows.flatMap((r): CobrowseEvent[] => {
    const at = Number(r.at);
    if (r.action === "cobrowse.start") return [{ at, kind: "started" }];
    if (r.action === "cobrowse.watcher.join") return [{ at, kind: "joined", agentName: names.get(r.actor.slice("agent:".length)) ?? "An agent" }];
    if (r.action === "cobrowse.mode.view" || r.action === "cobrowse.mode.control") return [{ at, kind: "mode", mode: r.action === "cobrowse.mode.view" ? "view" : "control" }];
    if (r.action.startsWith("cobrowse.end.")) return [{ at, kind: "ended", reason: r.action.slice("cobrowse.end.".length) }];
    return [];
  });
}
