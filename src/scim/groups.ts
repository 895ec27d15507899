import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../storage/schema.js";
import { syncAgentGroups, type GroupChange } from "./agent-link.js";
import { auditScim, type ScimActor } from "./audit.js";
import { invalidValue, ScimError } from "./errors.js";
import { groupSchema } from "./filter/attributes.js";
import { equalityHint, matches, type ScimResource } from "./filter/evaluate.js";
import type { Filter } from "./filter/parse.js";
import { groupInput, parseBody, type GroupInput } from "./input.js";
import { applyPatch, type PatchOperation } from "./patch.js";
import { renderGroup, type Rendering } from "./resources.js";
import type { ScimGroupTable } from "./tables.js";
import { notFound } from "./users.js";

type Db = Kysely<Database> | Transaction<Database>;

/** A group write: the resource, and the agents whose groups (so perhaps roles) it changed. */
export interface GroupWrite {
  readonly resource: ScimResource;
  readonly version: number;
  readonly changes: readonly GroupChange[];
}

/** SCIM Groups of one IdP. A group's displayName is what policies/access.yaml `groupMapping` maps to roles. */
export class ScimGroups {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly actor: ScimActor,
    private readonly rendering: Rendering,
    private readonly now: () => number,
  ) {}

  async #row(db: Db, id: string): Promise<ScimGroupTable | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    return db.selectFrom("scim_group").selectAll().where("id", "=", id).where("idp", "=", this.actor.idp).executeTakeFirst();
  }

  async #members(db: Db, groupIds: readonly string[]): Promise<Map<string, Array<{ id: string; display: string }>>> {
    const out = new Map<string, Array<{ id: string; display: string }>>();
    for (let i = 0; i < groupIds.length; i += 500) {
      const rows = await db
        .selectFrom("scim_group_member")
        .innerJoin("scim_user", "scim_user.id", "scim_group_member.user_id")
        .select(["scim_group_member.group_id", "scim_user.id", "scim_user.user_name", "scim_user.display_name"])
        .where("scim_group_member.group_id", "in", groupIds.slice(i, i + 500))
        .orderBy("scim_user.created_at")
        .execute();
      for (const r of rows) {
        const list = out.get(r.group_id) ?? [];
        list.push({ id: r.id, display: r.display_name ?? r.user_name });
        out.set(r.group_id, list);
      }
    }
    return out;
  }

  async #render(db: Db, row: ScimGroupTable, withMembers = true): Promise<ScimResource> {
    return renderGroup(row, withMembers ? ((await this.#members(db, [row.id])).get(row.id) ?? []) : undefined, this.rendering);
  }

  async get(id: string, withMembers: boolean): Promise<{ resource: ScimResource; version: number }> {
    const row = await this.#row(this.db, id);
    if (!row) throw notFound();
    return { resource: await this.#render(this.db, row, withMembers), version: row.version };
  }

  async list(filter: Filter | undefined, withMembers: boolean): Promise<ScimResource[]> {
    let query = this.db.selectFrom("scim_group").selectAll().where("idp", "=", this.actor.idp);
    if (filter) {
      const displayName = equalityHint(filter, "displayName");
      const externalId = equalityHint(filter, "externalId");
      const id = equalityHint(filter, "id");
      if (displayName !== undefined) query = query.where("display_name_key", "=", displayName.toLowerCase());
      if (externalId !== undefined) query = query.where("external_id", "=", externalId);
      if (id !== undefined) query = query.where("id", "=", id);
    }
    const rows = await query.orderBy("created_at").orderBy("id").execute();
    // Members are needed to filter on them even when the answer leaves them out.
    const members = await this.#members(this.db, rows.map((r) => r.id));
    const full = rows.map((row) => renderGroup(row, members.get(row.id) ?? [], this.rendering));
    const kept = filter ? full.filter((r) => matches(filter, r)) : full;
    return withMembers ? kept : kept.map(({ members: _members, ...rest }) => rest);
  }

  async #checkMembers(trx: Transaction<Database>, ids: readonly string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      if (!chunk.every((id) => /^[0-9a-f-]{36}$/.test(id))) throw invalidValue("a member is not a user of this identity provider");
      const found = await trx.selectFrom("scim_user").select("id").where("id", "in", chunk).where("idp", "=", this.actor.idp).where("deleted_at", "is", null).execute();
      if (found.length !== chunk.length) throw invalidValue("a member is not a user of this identity provider");
    }
  }

  async #setMembers(trx: Transaction<Database>, groupId: string, wanted: readonly string[]): Promise<string[]> {
    await this.#checkMembers(trx, wanted);
    const before = (await trx.selectFrom("scim_group_member").select("user_id").where("group_id", "=", groupId).execute()).map((r) => r.user_id);
    const keep = new Set(wanted);
    const removed = before.filter((id) => !keep.has(id));
    const added = wanted.filter((id) => !before.includes(id));
    for (let i = 0; i < removed.length; i += 500) await trx.deleteFrom("scim_group_member").where("group_id", "=", groupId).where("user_id", "in", removed.slice(i, i + 500)).execute();
    for (let i = 0; i < added.length; i += 500) await trx.insertInto("scim_group_member").values(added.slice(i, i + 500).map((user_id) => ({ group_id: groupId, user_id }))).execute();
    return [...removed, ...added];
  }

  async #nameFree(trx: Transaction<Database>, key: string, except: string | undefined): Promise<void> {
    const clash = await trx.selectFrom("scim_group").select("id").where("idp", "=", this.actor.idp).where("display_name_key", "=", key).executeTakeFirst();
    if (clash && clash.id !== except) throw new ScimError(409, "a group with this displayName exists already", "uniqueness");
  }

  async create(body: unknown): Promise<GroupWrite> {
    const input = parseBody(groupInput, body);
    return this.db.transaction().execute(async (trx) => {
      await this.#nameFree(trx, input.displayName.toLowerCase(), undefined);
      const id = randomUUID();
      const t = this.now();
      await trx.insertInto("scim_group").values({ id, idp: this.actor.idp, ...columnsOf(input), version: 1, created_at: t, updated_at: t }).execute();
      const changes = await syncAgentGroups(trx, await this.#setMembers(trx, id, input.members));
      await auditScim(trx, this.actor, "scim.group.created", `scim-group:${id}`);
      const row = await trx.selectFrom("scim_group").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return { resource: await this.#render(trx, row), version: row.version, changes };
    });
  }

  async replace(id: string, body: unknown): Promise<GroupWrite> {
    return this.#write(id, "scim.group.replaced", () => parseBody(groupInput, body));
  }

  async patch(id: string, operations: readonly PatchOperation[]): Promise<GroupWrite> {
    return this.#write(id, "scim.group.patched", (current) => parseBody(groupInput, applyPatch(groupSchema, { ...current }, operations)));
  }

  async #write(id: string, event: "scim.group.replaced" | "scim.group.patched", next: (current: ScimResource) => GroupInput): Promise<GroupWrite> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.#row(trx, id);
      if (!row) throw notFound();
      const input = next(await this.#render(trx, row));
      await this.#nameFree(trx, input.displayName.toLowerCase(), id);
      await trx.updateTable("scim_group").set({ ...columnsOf(input), version: row.version + 1, updated_at: this.now() }).where("id", "=", id).execute();
      const changed = await this.#setMembers(trx, id, input.members);
      // A renamed group changes every member's roles; otherwise only the members who came or went.
      const affected = row.display_name === input.displayName ? changed : (await trx.selectFrom("scim_group_member").select("user_id").where("group_id", "=", id).execute()).map((r) => r.user_id).concat(changed);
      const changes = await syncAgentGroups(trx, affected);
      await auditScim(trx, this.actor, event, `scim-group:${id}`);
      const stored = await trx.selectFrom("scim_group").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return { resource: await this.#render(trx, stored), version: stored.version, changes };
    });
  }

  async delete(id: string): Promise<GroupChange[]> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.#row(trx, id);
      if (!row) throw notFound();
      const members = (await trx.selectFrom("scim_group_member").select("user_id").where("group_id", "=", id).execute()).map((r) => r.user_id);
      await trx.deleteFrom("scim_group_member").where("group_id", "=", id).execute();
      await trx.deleteFrom("scim_group").where("id", "=", id).execute();
      const changes = await syncAgentGroups(trx, members);
      await auditScim(trx, this.actor, "scim.group.deleted", `scim-group:${id}`);
      return changes;
    });
  }
}

function columnsOf(input: GroupInput) {
  return { display_name: input.displayName, display_name_key: input.displayName.toLowerCase(), external_id: input.externalId };
}
