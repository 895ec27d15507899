import type { Kysely, Transaction } from "kysely";
import type { Database } from "../storage/schema.js";

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Agents' display names by id, as the IdP last gave them (the `name` claim, else the username:
 * auth/oidc-client.ts). Chat shows people by name, never by a bare id; an id the agent table no
 * longer knows is left out and clients say "Agent".
 */
export async function agentNames(db: Db, ids: Iterable<string>): Promise<Map<string, string>> {
  const wanted = [...new Set(ids)];
  if (wanted.length === 0) return new Map();
  const rows = await db.selectFrom("agent").select(["id", "display_name"]).where("id", "in", wanted).execute();
  return new Map(rows.filter((r) => r.display_name.trim() !== "").map((r) => [r.id, r.display_name]));
}

export async function agentName(db: Db, id: string): Promise<string | undefined> {
  return (await agentNames(db, [id])).get(id);
}
