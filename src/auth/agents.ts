import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { parseStringArray } from "./session-store.js";

export interface Agent {
  readonly id: string;
  readonly issuer: string;
  readonly subject: string;
  readonly name: string;
  readonly email: string | null;
  readonly groups: readonly string[];
}

export interface IdentityClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly name: string;
  readonly email: string | null;
  readonly groups: readonly string[];
}

/** Agents are identified by (issuer, subject); name, email and groups follow the IdP at each login. */
export async function upsertAgent(db: Kysely<Database>, claims: IdentityClaims, now: number): Promise<Agent> {
  const existing = await db
    .selectFrom("agent")
    .select("id")
    .where("issuer", "=", claims.issuer)
    .where("subject", "=", claims.subject)
    .executeTakeFirst();
  const fields = { display_name: claims.name, email: claims.email, groups_json: JSON.stringify(claims.groups), last_login_at: now };
  if (existing) {
    await db.updateTable("agent").set(fields).where("id", "=", existing.id).execute();
    return { id: existing.id, ...claims };
  }
  const id = randomUUID();
  await db
    .insertInto("agent")
    .values({ id, issuer: claims.issuer, subject: claims.subject, created_at: now, ...fields })
    .onConflict((oc) => oc.columns(["issuer", "subject"]).doUpdateSet(fields))
    .execute();
  const row = await db.selectFrom("agent").select("id").where("issuer", "=", claims.issuer).where("subject", "=", claims.subject).executeTakeFirstOrThrow();
  return { id: row.id, ...claims };
}

export async function findAgent(db: Kysely<Database>, id: string): Promise<Agent | undefined> {
  const row = await db.selectFrom("agent").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  return { id: row.id, issuer: row.issuer, subject: row.subject, name: row.display_name, email: row.email, groups: parseStringArray(row.groups_json) };
}

export async function findAgentBySubject(db: Kysely<Database>, issuer: string, subject: string): Promise<Agent | undefined> {
  const row = await db.selectFrom("agent").select("id").where("issuer", "=", issuer).where("subject", "=", subject).executeTakeFirst();
  return row ? findAgent(db, row.id) : undefined;
}
