import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { AirlockError } from "../errors.js";
import type { Database } from "../storage/schema.js";

export interface CannedResponse {
  readonly id: string;
  readonly team: string;
  readonly title: string;
  readonly body: string;
  readonly updatedBy: string;
  readonly updatedAt: number;
}

// Canned responses are text the team writes for agents to insert; they hold no visitor data.

export async function cannedResponsesFor(db: Kysely<Database>, teams: readonly string[]): Promise<CannedResponse[]> {
  if (teams.length === 0) return [];
  const rows = await db.selectFrom("chat_canned_response").selectAll().where("team", "in", teams).orderBy("team").orderBy("title").execute();
  return rows.map((r) => ({ id: r.id, team: r.team, title: r.title, body: r.body, updatedBy: r.updated_by, updatedAt: Number(r.updated_at) }));
}

/** Every team's responses, for supervisors who manage them (chat:supervise covers every team). */
export async function allCannedResponses(db: Kysely<Database>, limit = 1_000): Promise<CannedResponse[]> {
  const rows = await db.selectFrom("chat_canned_response").selectAll().orderBy("team").orderBy("title").limit(limit).execute();
  return rows.map((r) => ({ id: r.id, team: r.team, title: r.title, body: r.body, updatedBy: r.updated_by, updatedAt: Number(r.updated_at) }));
}

export async function createCannedResponse(db: Kysely<Database>, input: { team: string; title: string; body: string }, by: string, now: number): Promise<CannedResponse> {
  const row = { id: randomUUID(), team: input.team, title: input.title, body: input.body, updated_by: by, updated_at: now };
  await db.insertInto("chat_canned_response").values(row).execute();
  return { id: row.id, team: row.team, title: row.title, body: row.body, updatedBy: by, updatedAt: now };
}

export async function updateCannedResponse(db: Kysely<Database>, id: string, change: { title: string; body: string } | "delete", by: string, now: number): Promise<void> {
  const row = await db.selectFrom("chat_canned_response").select("team").where("id", "=", id).executeTakeFirst();
  if (!row) throw new AirlockError("not_found", "no such canned response");
  if (change === "delete") await db.deleteFrom("chat_canned_response").where("id", "=", id).execute();
  else await db.updateTable("chat_canned_response").set({ title: change.title, body: change.body, updated_by: by, updated_at: now }).where("id", "=", id).execute();
}
