import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { recordAudit } from "../../src/audit/trail.js";
import { upsertAgent } from "../../src/auth/agents.js";
import { createCannedResponse } from "../../src/chat/canned-responses.js";
import type { Storage } from "../../src/storage/db.js";
import { chatFixture, clientId, visitId, type ChatFixture } from "../chat/chat-fixture.js";

/** Unique strings planted in every kind of stored value: none may appear in a backup file in clear. */
export function canaries(): Record<string, string> {
  const tag = randomBytes(6).toString("hex");
  return {
    agentName: `Canary Agentname ${tag}`,
    agentEmail: `canary.${tag}@bank.example`,
    chatText: `canary chat text ${tag} IBAN DE89370400440532013000`,
    offlineForm: `canary offline form ${tag}`,
    cannedTitle: `Canary canned title ${tag}`,
    cannedBody: `canary canned body ${tag}`,
    auditTarget: `conversation:canary-${tag}`,
    instanceValue: `canary-instance-${tag}`,
  };
}

/**
 * Fills a migrated database through Airlock's own modules: an agent, a session, audit entries,
 * conversations with encrypted messages and an offline form, a canned response, an instance row.
 */
export async function seed(storage: Storage, plant: Record<string, string>, options: { auditEntries?: number; vaultUrl?: string | undefined } = {}): Promise<Seeded> {
  const fx = await chatFixture(storage, { vaultUrl: options.vaultUrl });
  const now = 1_760_000_000_000;
  const agent = await upsertAgent(storage.db, { issuer: "https://idp.bank.example", subject: `sub-${randomBytes(4).toString("hex")}`, name: plant.agentName ?? "", email: plant.agentEmail ?? null, groups: ["airlock-agents"] }, now);
  await storage.db
    .insertInto("agent_session")
    .values({ id_hash: randomBytes(32).toString("hex"), agent_id: agent.id, state: "active", idp_sid: "sid-1", amr_json: "[\"pwd\"]", id_token_hint: null, created_at: now, last_seen_at: now, reauthenticated_at: now })
    .execute();
  const visitor = { siteId: "shop", visitorId: visitId() };
  const bystander = { siteId: "shop", visitorId: visitId() };
  const other = await fx.chat.startChat(bystander);
  await fx.chat.send({ kind: "visitor", ...bystander }, other.id, clientId(), "bystander question");
  const chat = await fx.chat.startChat(visitor);
  await fx.chat.send({ kind: "visitor", ...visitor }, chat.id, clientId(), plant.chatText ?? "");
  await fx.chat.accept(agent.id, chat.id);
  await fx.chat.send({ kind: "agent", agentId: agent.id }, chat.id, clientId(), `reply to ${plant.chatText ?? ""}`);
  await fx.chat.submitOfflineForm({ siteId: "shop", visitorId: visitId() }, { name: "Erika Canary", email: plant.agentEmail ?? "", clientId: clientId(), text: plant.offlineForm ?? "" });
  await createCannedResponse(storage.db, { team: "airlock-agents", title: plant.cannedTitle ?? "", body: plant.cannedBody ?? "" }, agent.id, now);
  await sql`insert into airlock_instance (key, value, updated_at) values ('backup.canary', ${plant.instanceValue ?? ""}, ${now})`.execute(storage.db);
  for (let i = 0; i < (options.auditEntries ?? 20); i++) {
    await recordAudit(storage.db, { actor: `agent:${agent.id}`, action: "chatlog:read", target: plant.auditTarget ?? "conversation:x", decision: "allow", rule: "access.chatlog", at: now + i });
  }
  return { ...fx, agentId: agent.id, visitorId: visitor.visitorId, conversationId: chat.id, bystanderConversationId: other.id };
}

export interface Seeded extends ChatFixture {
  readonly agentId: string;
  /** The visitor whose conversation holds the chat canary (the one tests erase). */
  readonly visitorId: string;
  readonly conversationId: string;
  /** Another visitor's conversation, which erasure must leave readable. */
  readonly bystanderConversationId: string;
}

/** Every row of every table (migrator bookkeeping aside) as sorted JSON text, comparable across dialects. */
export async function dumpTables(storage: Storage): Promise<Record<string, unknown[]>> {
  const tables = await storage.db.introspection.getTables();
  const dump: Record<string, unknown[]> = {};
  for (const table of tables.filter((t) => !t.name.startsWith("airlock_migration")).sort((a, b) => a.name.localeCompare(b.name))) {
    const columns = table.columns.map((c) => c.name).sort();
    const rows = await sql<Record<string, unknown>>`select * from ${sql.table(table.name)}`.execute(storage.db);
    // Sorted here, not by the database: collations differ between the dialects.
    dump[table.name] = rows.rows.map((r) => JSON.stringify(columns.map((c) => [c, r[c]]))).sort();
  }
  return dump;
}
