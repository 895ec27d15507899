import { randomUUID } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { Database } from "../storage/schema.js";
import { linkUserToAgent, syncAgentGroups } from "./agent-link.js";
import { auditScim, type ScimActor } from "./audit.js";
import { ScimError } from "./errors.js";
import { userSchema } from "./filter/attributes.js";
import { equalityHint, matches, type ScimResource } from "./filter/evaluate.js";
import type { Filter } from "./filter/parse.js";
import { parseBody, userInput, type UserInput } from "./input.js";
import { applyPatch, type PatchOperation } from "./patch.js";
import { renderUser, type Rendering } from "./resources.js";
import type { ScimUserTable } from "./tables.js";

/** What a write did to the agent behind the user: the caller ends its sessions after commit. */
export interface UserWrite {
  readonly resource: ScimResource;
  readonly version: number;
  /** The linked agent lost its access (deactivated or deleted): end its sessions everywhere. */
  readonly revokeAgent: string | null;
}

export const notFound = () => new ScimError(404, "no such resource");

/** SCIM Users of one IdP (RFC 7644 §3): every write audited in its transaction. */
export class ScimUsers {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly actor: ScimActor,
    private readonly rendering: Rendering,
    private readonly now: () => number,
  ) {}

  async #groupsOf(db: Kysely<Database> | Transaction<Database>, userIds: readonly string[]): Promise<Map<string, Array<{ id: string; displayName: string }>>> {
    const out = new Map<string, Array<{ id: string; displayName: string }>>();
    for (let i = 0; i < userIds.length; i += 500) {
      const chunk = userIds.slice(i, i + 500);
      if (chunk.length === 0) break;
      const rows = await db
        .selectFrom("scim_group_member")
        .innerJoin("scim_group", "scim_group.id", "scim_group_member.group_id")
        .select(["scim_group_member.user_id", "scim_group.id", "scim_group.display_name"])
        .where("scim_group_member.user_id", "in", chunk)
        .execute();
      for (const r of rows) {
        const list = out.get(r.user_id) ?? [];
        list.push({ id: r.id, displayName: r.display_name });
        out.set(r.user_id, list);
      }
    }
    return out;
  }

  async #row(db: Kysely<Database> | Transaction<Database>, id: string): Promise<ScimUserTable | undefined> {
    if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
    return db.selectFrom("scim_user").selectAll().where("id", "=", id).where("idp", "=", this.actor.idp).where("deleted_at", "is", null).executeTakeFirst();
  }

  async #render(db: Kysely<Database> | Transaction<Database>, row: ScimUserTable): Promise<ScimResource> {
    return renderUser(row, (await this.#groupsOf(db, [row.id])).get(row.id) ?? [], this.rendering);
  }

  async get(id: string): Promise<{ resource: ScimResource; version: number }> {
    const row = await this.#row(this.db, id);
    if (!row) throw notFound();
    return { resource: await this.#render(this.db, row), version: row.version };
  }

  /** Every user matching `filter`, in creation order; narrowed in SQL by userName/externalId/id equality when the filter has one. */
  async list(filter: Filter | undefined): Promise<ScimResource[]> {
    let query = this.db.selectFrom("scim_user").selectAll().where("idp", "=", this.actor.idp).where("deleted_at", "is", null);
    if (filter) {
      const userName = equalityHint(filter, "userName");
      const externalId = equalityHint(filter, "externalId");
      const id = equalityHint(filter, "id");
      if (userName !== undefined) query = query.where("user_name_key", "=", userName.toLowerCase());
      if (externalId !== undefined) query = query.where("external_id", "=", externalId);
      if (id !== undefined) query = query.where("id", "=", id);
    }
    const rows = await query.orderBy("created_at").orderBy("id").execute();
    const groups = await this.#groupsOf(this.db, rows.map((r) => r.id));
    const resources = rows.map((row) => renderUser(row, groups.get(row.id) ?? [], this.rendering));
    return filter ? resources.filter((r) => matches(filter, r)) : resources;
  }

  async create(body: unknown): Promise<UserWrite> {
    const input = parseBody(userInput, body);
    return this.db.transaction().execute(async (trx) => {
      const key = input.userName.toLowerCase();
      const existing = await trx.selectFrom("scim_user").select(["id", "deleted_at", "agent_id"]).where("idp", "=", this.actor.idp).where("user_name_key", "=", key).executeTakeFirst();
      if (existing && existing.deleted_at === null) throw new ScimError(409, "a user with this userName exists already", "uniqueness");
      // A user deleted before and provisioned again: the tombstone gives way, its agent link stays.
      if (existing) await trx.deleteFrom("scim_user").where("id", "=", existing.id).execute();
      const id = randomUUID();
      const t = this.now();
      await trx
        .insertInto("scim_user")
        .values({ id, idp: this.actor.idp, ...columnsOf(input), agent_id: existing?.agent_id ?? null, version: 1, created_at: t, updated_at: t, deleted_at: null })
        .execute();
      const agentId = await linkUserToAgent(trx, id);
      await syncAgentGroups(trx, [id]);
      await auditScim(trx, this.actor, "scim.user.created", `scim-user:${id}`);
      const row = await trx.selectFrom("scim_user").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return { resource: await this.#render(trx, row), version: row.version, revokeAgent: !input.active && agentId ? agentId : null };
    });
  }

  async replace(id: string, body: unknown): Promise<UserWrite> {
    return this.#write(id, "scim.user.replaced", () => parseBody(userInput, body));
  }

  async patch(id: string, operations: readonly PatchOperation[]): Promise<UserWrite> {
    return this.#write(id, "scim.user.patched", (current) => parseBody(userInput, applyPatch(userSchema, { ...current }, operations)));
  }

  async #write(id: string, event: "scim.user.replaced" | "scim.user.patched", next: (current: ScimResource) => UserInput): Promise<UserWrite> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.#row(trx, id);
      if (!row) throw notFound();
      const input = next(await this.#render(trx, row));
      const key = input.userName.toLowerCase();
      if (key !== row.user_name_key) {
        const clash = await trx.selectFrom("scim_user").select("id").where("idp", "=", this.actor.idp).where("user_name_key", "=", key).executeTakeFirst();
        if (clash) throw new ScimError(409, "a user with this userName exists already", "uniqueness");
      }
      await trx
        .updateTable("scim_user")
        .set({ ...columnsOf(input), version: row.version + 1, updated_at: this.now() })
        .where("id", "=", id)
        .execute();
      const agentId = await linkUserToAgent(trx, id);
      const wasActive = row.active === 1;
      const change = wasActive && !input.active ? "scim.user.deactivated" : !wasActive && input.active ? "scim.user.reactivated" : event;
      await auditScim(trx, this.actor, change, `scim-user:${id}`);
      const stored = await trx.selectFrom("scim_user").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      return { resource: await this.#render(trx, stored), version: stored.version, revokeAgent: !input.active && agentId ? agentId : null };
    });
  }

  /** Deletes the user: its data goes, a tombstone (userName and agent link) keeps its agent from signing in. */
  async delete(id: string): Promise<{ revokeAgent: string | null }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await this.#row(trx, id);
      if (!row) throw notFound();
      await trx.deleteFrom("scim_group_member").where("user_id", "=", id).execute();
      await trx
        .updateTable("scim_user")
        .set({ external_id: null, display_name: null, given_name: null, family_name: null, emails_json: "[]", active: 0, deleted_at: this.now(), updated_at: this.now() })
        .where("id", "=", id)
        .execute();
      await syncAgentGroups(trx, [id]);
      await auditScim(trx, this.actor, "scim.user.deleted", `scim-user:${id}`);
      return { revokeAgent: row.agent_id };
    });
  }
}

function columnsOf(input: UserInput) {
  return {
    user_name: input.userName,
    user_name_key: input.userName.toLowerCase(),
    external_id: input.externalId,
    display_name: input.displayName,
    given_name: input.name.givenName,
    family_name: input.name.familyName,
    emails_json: JSON.stringify(input.emails.map((e) => ({ value: e.value, ...(e.type ? { type: e.type } : {}), ...(e.primary !== null ? { primary: e.primary } : {}) }))),
    active: input.active ? 1 : 0,
  };
}
