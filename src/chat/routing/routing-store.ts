import type { Kysely } from "kysely";
import type { Database } from "../../storage/schema.js";

type Db = Kysely<Database>;

/** How loaded an agent is: chats in progress, and when the agent last took one (0: never). */
export interface AgentLoad {
  readonly active: number;
  readonly lastAcceptedAt: number;
}

export interface QueuedChat {
  readonly id: string;
  readonly team: string | null;
  readonly offeredAgentId: string | null;
  readonly offerExpiresAt: number | null;
  readonly createdAt: number;
  /** Skills its page rule prefers. */
  readonly wantedSkills: readonly string[];
  /** Agents whose offer of it ran out, since the round last started again. */
  readonly expiredOfferAgentIds: readonly string[];
}

/** Live chats waiting on a site, oldest first (offline forms are not routed). */
export async function queuedChats(db: Db, siteId: string, limit = 200): Promise<QueuedChat[]> {
  const rows = await db
    .selectFrom("chat_conversation")
    .select(["id", "team", "offered_agent_id", "offer_expires_at", "created_at", "wanted_skills", "expired_offer_agent_ids"])
    .where("site_id", "=", siteId)
    .where("state", "=", "queued")
    .orderBy("created_at")
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    team: r.team,
    offeredAgentId: r.offered_agent_id,
    offerExpiresAt: r.offer_expires_at === null ? null : Number(r.offer_expires_at),
    createdAt: Number(r.created_at),
    wantedSkills: parseStrings(r.wanted_skills ?? null),
    expiredOfferAgentIds: parseStrings(r.expired_offer_agent_ids ?? null),
  }));
}

export async function agentLoads(db: Db, agentIds: readonly string[]): Promise<Map<string, AgentLoad>> {
  const loads = new Map<string, AgentLoad>(agentIds.map((id) => [id, { active: 0, lastAcceptedAt: 0 }]));
  if (agentIds.length === 0) return loads;
  const rows = await db
    .selectFrom("chat_conversation")
    .select((eb) => ["assigned_agent_id", eb.fn.countAll<number | string>().as("n")])
    .where("assigned_agent_id", "in", agentIds)
    .where("state", "=", "active")
    .groupBy("assigned_agent_id")
    .execute();
  const last = await db
    .selectFrom("chat_participant")
    .select((eb) => ["agent_id", eb.fn.max("joined_at").as("last")])
    .where("agent_id", "in", agentIds)
    .where("role", "=", "handler")
    .groupBy("agent_id")
    .execute();
  for (const r of last) loads.set(r.agent_id, { active: 0, lastAcceptedAt: Number(r.last ?? 0) });
  for (const r of rows) if (r.assigned_agent_id) loads.set(r.assigned_agent_id, { active: Number(r.n), lastAcceptedAt: loads.get(r.assigned_agent_id)?.lastAcceptedAt ?? 0 });
  return loads;
}

/** IdP groups of each agent at their last login (teams and skills follow from them). */
export async function agentGroups(db: Db, agentIds: readonly string[]): Promise<Map<string, string[]>> {
  if (agentIds.length === 0) return new Map();
  const rows = await db.selectFrom("agent").select(["id", "groups_json"]).where("id", "in", agentIds).execute();
  return new Map(rows.map((r) => [r.id, parseStrings(r.groups_json)]));
}

/** A stored JSON array of strings; anything else reads as none. */
function parseStrings(json: string | null): string[] {
  if (json === null) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((g): g is string => typeof g === "string") : [];
  } catch {
    return [];
  }
}

/**
 * Offers a waiting chat to an agent unless another offer stands; true when this one was made.
 * `newRound`: every agent of the team had their turn, so the chat's passed agents are forgotten.
 */
export async function claimOffer(db: Db, conversationId: string, agentId: string, now: number, expiresAt: number, newRound = false): Promise<boolean> {
  const r = await db
    .updateTable("chat_conversation")
    .set({ offered_agent_id: agentId, offer_expires_at: expiresAt, ...(newRound ? { expired_offer_agent_ids: null } : {}) })
    .where("id", "=", conversationId)
    .where("state", "=", "queued")
    .where((eb) => eb.or([eb("offered_agent_id", "is", null), eb("offer_expires_at", "<=", now)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/**
 * Withdraws an unanswered offer (still waiting, still offered to that agent) and counts the agent
 * as passed; true when it did. Any server process may withdraw one that ran out: the offer's
 * condition makes exactly one of them succeed.
 */
export async function withdrawOffer(db: Db, conversationId: string, agentId: string): Promise<boolean> {
  const row = await db.selectFrom("chat_conversation").select("expired_offer_agent_ids").where("id", "=", conversationId).executeTakeFirst();
  if (!row) return false;
  const before = row.expired_offer_agent_ids ?? null;
  const passed = [...new Set([...parseStrings(before), agentId])];
  const r = await db
    .updateTable("chat_conversation")
    .set({ offered_agent_id: null, offer_expires_at: null, expired_offer_agent_ids: JSON.stringify(passed) })
    .where("id", "=", conversationId)
    .where("state", "=", "queued")
    .where("offered_agent_id", "=", agentId)
    .where((eb) => (before === null ? eb("expired_offer_agent_ids", "is", null) : eb("expired_offer_agent_ids", "=", before)))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}
