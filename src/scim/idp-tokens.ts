import { randomBytes, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import { appendAudit } from "../audit/trail.js";
import { hashToken } from "../auth/tokens.js";
import type { Database } from "../storage/schema.js";

// One bearer token per provisioning IdP, shown once when created or rotated and stored only as
// its SHA-256: a copy of the database provisions nothing. Tokens carry 256 random bits, so a
// plain hash is enough (no password stretching needed).

export const IDP_NAME = /^[a-z][a-z0-9-]{0,63}$/;
const TOKEN_PREFIX = "airlock_scim_";
const TOKEN_SHAPE = /^airlock_scim_[A-Za-z0-9_-]{43}$/;

export interface ScimIdp {
  readonly name: string;
  readonly issuer: string;
  readonly createdAt: number;
  readonly rotatedAt: number;
}

function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

function checkIssuer(issuer: string): void {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new Error("--issuer must be the OIDC issuer URL of the IdP (as in its discovery document)");
  }
  if (url.protocol !== "https:" && url.hostname !== "127.0.0.1" && url.hostname !== "localhost") throw new Error("--issuer must be an https URL");
}

/** Registers an IdP and returns its first token (shown once). */
export async function createScimIdp(db: Kysely<Database>, name: string, issuer: string, now = Date.now()): Promise<string> {
  if (!IDP_NAME.test(name)) throw new Error("the IdP name is 1-64 lowercase letters, digits or dashes, starting with a letter");
  checkIssuer(issuer);
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    const exists = await trx.selectFrom("scim_idp").select("name").where("name", "=", name).executeTakeFirst();
    if (exists) throw new Error(`an IdP named ${name} exists already; rotate its token instead`);
    await trx.insertInto("scim_idp").values({ name, issuer, token_hash: hashToken(token), created_at: now, rotated_at: now }).execute();
    await appendAudit(trx, { actor: "cli", action: "scim.token.created", target: `scim-idp:${name}`, decision: "success" });
  });
  return token;
}

/** Replaces the IdP's token: the old one stops working at once. Returns the new token (shown once). */
export async function rotateScimToken(db: Kysely<Database>, name: string, now = Date.now()): Promise<string> {
  const token = newToken();
  await db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable("scim_idp").set({ token_hash: hashToken(token), rotated_at: now }).where("name", "=", name).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new Error(`no IdP named ${name}`);
    await appendAudit(trx, { actor: "cli", action: "scim.token.rotated", target: `scim-idp:${name}`, decision: "success" });
  });
  return token;
}

/** Removes an IdP with everything it provisioned (users, groups, memberships, tombstones). */
export async function removeScimIdp(db: Kysely<Database>, name: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const users = trx.selectFrom("scim_user").select("id").where("idp", "=", name);
    await trx.deleteFrom("scim_group_member").where("user_id", "in", users).execute();
    await trx.deleteFrom("scim_group").where("idp", "=", name).execute();
    await trx.deleteFrom("scim_user").where("idp", "=", name).execute();
    const removed = await trx.deleteFrom("scim_idp").where("name", "=", name).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new Error(`no IdP named ${name}`);
    await appendAudit(trx, { actor: "cli", action: "scim.token.removed", target: `scim-idp:${name}`, decision: "success" });
  });
}

export async function listScimIdps(db: Kysely<Database>): Promise<ScimIdp[]> {
  const rows = await db.selectFrom("scim_idp").select(["name", "issuer", "created_at", "rotated_at"]).orderBy("name").execute();
  return rows.map((r) => ({ name: r.name, issuer: r.issuer, createdAt: Number(r.created_at), rotatedAt: Number(r.rotated_at) }));
}

/**
 * The IdP a bearer token belongs to, or undefined. Every registered hash is compared in constant
 * time, without stopping at a match, so timing tells nothing about which token was close.
 */
export async function idpOfToken(db: Kysely<Database>, authorization: string | undefined): Promise<string | undefined> {
  const m = /^Bearer ([^\s]+)$/i.exec(authorization ?? "");
  const token = m?.[1];
  if (!token || !TOKEN_SHAPE.test(token)) return undefined;
  const presented = Buffer.from(hashToken(token), "hex");
  const rows = await db.selectFrom("scim_idp").select(["name", "token_hash"]).execute();
  let found: string | undefined;
  for (const row of rows) {
    const stored = Buffer.from(row.token_hash, "hex");
    if (stored.length === presented.length && timingSafeEqual(stored, presented)) found = row.name;
  }
  return found;
}
