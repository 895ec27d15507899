import { sql, type Kysely, type Transaction } from "kysely";
import type { Database } from "../storage/schema.js";

// A SCIM user and an agent are the same person when the agent signed in at the provisioning
// IdP's issuer and its e-mail (or IdP subject) equals the user's userName, one of its e-mails
// or its externalId. Once linked, SCIM decides: group membership replaces the token's groups
// claim (roles still come from policies/access.yaml `groupMapping`), and a deactivated or
// deleted user cannot sign in.

type Db = Kysely<Database> | Transaction<Database>;

/** Sorts a live row before a tombstone on both dialects (their NULL ordering differs). */
const liveFirst = sql`deleted_at is null`;

export interface ScimAccount {
  readonly scimUserId: string;
  /** False when deactivated or deleted by the IdP. */
  readonly allowed: boolean;
  /** The display names of the user's SCIM groups. */
  readonly groups: readonly string[];
}

function keysOf(userNameKey: string, emailsJson: string): string[] {
  const keys = new Set([userNameKey]);
  try {
    const emails: unknown = JSON.parse(emailsJson);
    if (Array.isArray(emails)) for (const e of emails) if (typeof (e as { value?: unknown }).value === "string") keys.add((e as { value: string }).value.toLowerCase());
  } catch {
    // stored by us as JSON; nothing to add if it is not
  }
  return [...keys];
}

/** Links a user to the agent of its IdP's issuer with the same identity, if one has signed in already. */
export async function linkUserToAgent(trx: Transaction<Database>, userId: string): Promise<string | null> {
  const user = await trx
    .selectFrom("scim_user")
    .innerJoin("scim_idp", "scim_idp.name", "scim_user.idp")
    .select(["scim_user.agent_id", "scim_user.user_name_key", "scim_user.emails_json", "scim_user.external_id", "scim_idp.issuer"])
    .where("scim_user.id", "=", userId)
    .executeTakeFirst();
  if (!user) return null;
  if (user.agent_id) return user.agent_id;
  const keys = keysOf(user.user_name_key, user.emails_json);
  const agent = await trx
    .selectFrom("agent")
    .select("id")
    .where("issuer", "=", user.issuer)
    .where((eb) => eb.or([eb(sql<string>`lower(email)`, "in", keys), ...(user.external_id ? [eb("subject", "=", user.external_id)] : [])]))
    .executeTakeFirst();
  if (!agent) return null;
  await trx.updateTable("scim_user").set({ agent_id: agent.id }).where("id", "=", userId).execute();
  return agent.id;
}

/** The group names SCIM gives a user. */
async function groupNamesOf(db: Db, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("scim_group_member")
    .innerJoin("scim_group", "scim_group.id", "scim_group_member.group_id")
    .select("scim_group.display_name")
    .where("scim_group_member.user_id", "=", userId)
    .orderBy("scim_group.display_name")
    .execute();
  return rows.map((r) => r.display_name);
}

/** An agent whose groups a SCIM write changed. */
export interface GroupChange {
  readonly agentId: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** Writes the SCIM groups of linked users onto their agents, so roles follow at the next request; returns what changed. */
export async function syncAgentGroups(trx: Transaction<Database>, userIds: readonly string[]): Promise<GroupChange[]> {
  const changes: GroupChange[] = [];
  for (const userId of new Set(userIds)) {
    const user = await trx.selectFrom("scim_user").select(["agent_id", "deleted_at"]).where("id", "=", userId).executeTakeFirst();
    if (!user?.agent_id) continue;
    const agent = await trx.selectFrom("agent").select("groups_json").where("id", "=", user.agent_id).executeTakeFirst();
    const groups = user.deleted_at === null ? await groupNamesOf(trx, userId) : [];
    await trx.updateTable("agent").set({ groups_json: JSON.stringify(groups) }).where("id", "=", user.agent_id).execute();
    changes.push({ agentId: user.agent_id, before: agent ? parseGroups(agent.groups_json) : [], after: groups });
  }
  return changes;
}

function parseGroups(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((g): g is string => typeof g === "string") : [];
  } catch {
    return [];
  }
}

/**
 * At sign-in: the SCIM account of this agent, if an IdP provisions it (linking it now if it was
 * provisioned before the agent's first sign-in). Undefined for agents no IdP provisions.
 */
export async function scimAccountOf(db: Kysely<Database>, agent: { id: string; issuer: string; subject: string; email: string | null }): Promise<ScimAccount | undefined> {
  return db.transaction().execute(async (trx) => {
    let row = await trx.selectFrom("scim_user").select(["id", "active", "deleted_at"]).where("agent_id", "=", agent.id).orderBy(liveFirst, "desc").executeTakeFirst();
    if (!row) {
      const keys = [agent.email?.toLowerCase(), agent.subject.toLowerCase()].filter((k): k is string => typeof k === "string");
      const candidate = await trx
        .selectFrom("scim_user")
        .innerJoin("scim_idp", "scim_idp.name", "scim_user.idp")
        .select(["scim_user.id", "scim_user.active", "scim_user.deleted_at"])
        .where("scim_idp.issuer", "=", agent.issuer)
        .where("scim_user.agent_id", "is", null)
        .where((eb) => eb.or([eb("scim_user.user_name_key", "in", keys), eb("scim_user.external_id", "=", agent.subject)]))
        .orderBy(sql`scim_user.deleted_at is null`, "desc")
        .executeTakeFirst();
      if (!candidate) return undefined;
      await trx.updateTable("scim_user").set({ agent_id: agent.id }).where("id", "=", candidate.id).execute();
      row = candidate;
    }
    const allowed = row.active === 1 && row.deleted_at === null;
    const groups = allowed ? await groupNamesOf(trx, row.id) : [];
    await trx.updateTable("agent").set({ groups_json: JSON.stringify(groups) }).where("id", "=", agent.id).execute();
    return { scimUserId: row.id, allowed, groups };
  });
}

/** Whether no IdP has deactivated or deleted this agent (true for agents no IdP provisions). */
export async function scimAllowsAgent(db: Kysely<Database>, agentId: string): Promise<boolean> {
  const blocked = await db
    .selectFrom("scim_user")
    .select("id")
    .where("agent_id", "=", agentId)
    .where((eb) => eb.or([eb("active", "=", 0), eb("deleted_at", "is not", null)]))
    .executeTakeFirst();
  return blocked === undefined;
}
