import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import type { IdentityAudit, IdentityAuditEntry } from "./audit.js";
import type { SessionRules } from "./identity-policy.js";
import type { SessionEndReason, SessionEvents } from "./session-events.js";
import type { AgentSessionTable } from "./tables.js";
import { hashToken, randomToken, tokenShape } from "./tokens.js";

export type Clock = () => number;

export type SessionState = "pending_mfa" | "active";

export interface StoredSession {
  readonly ref: string;
  readonly agentId: string;
  readonly state: SessionState;
  readonly idpSid: string | null;
  readonly amr: readonly string[];
  readonly idTokenHint: string | null;
  readonly createdAt: number;
  readonly lastSeenAt: number;
  readonly reauthenticatedAt: number;
}

export interface NewSession {
  readonly agentId: string;
  readonly idpSid: string | null;
  readonly amr: readonly string[];
  readonly idTokenHint: string | null;
}

/**
 * Server-side agent sessions. The cookie carries a random token; the database keeps only its
 * hash (the session "ref"). Idle and absolute timeouts are enforced here on every lookup.
 */
export class SessionStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly rules: () => SessionRules,
    private readonly events: SessionEvents,
    private readonly audit: IdentityAudit,
    private readonly now: Clock,
  ) {}

  /** Creates a session and returns the cookie value (shown once, never stored); `audit` commits with it. */
  async create(input: NewSession, audit?: IdentityAuditEntry): Promise<{ token: string; ref: string }> {
    const token = randomToken();
    const ref = hashToken(token);
    const t = this.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
      .insertInto("agent_session")
      .values({
        id_hash: ref,
        agent_id: input.agentId,
        state: "pending_mfa",
        idp_sid: input.idpSid,
        amr_json: JSON.stringify(input.amr),
        id_token_hint: input.idTokenHint,
        created_at: t,
        last_seen_at: t,
        reauthenticated_at: t,
      })
      .execute();
      if (audit) await this.audit(trx, audit);
    });
    return { token, ref };
  }

  /** The live session for a cookie value, or undefined; an expired one is ended on the spot. */
  async find(token: string | undefined): Promise<StoredSession | undefined> {
    if (!token || !tokenShape.test(token)) return undefined;
    const row = await this.db.selectFrom("agent_session").selectAll().where("id_hash", "=", hashToken(token)).executeTakeFirst();
    if (!row) return undefined;
    const t = this.now();
    const rules = this.rules();
    if (t - row.created_at >= rules.absoluteTimeoutMs) {
      await this.end(row.id_hash, "absolute");
      return undefined;
    }
    if (t - row.last_seen_at >= rules.idleTimeoutMs) {
      await this.end(row.id_hash, "idle");
      return undefined;
    }
    // Touch at most every few seconds: a busy console should not write on every request.
    if (t - row.last_seen_at > 5_000) {
      await this.db.updateTable("agent_session").set({ last_seen_at: t }).where("id_hash", "=", row.id_hash).execute();
    }
    return toSession(row);
  }

  async findByRef(ref: string): Promise<StoredSession | undefined> {
    const row = await this.db.selectFrom("agent_session").selectAll().where("id_hash", "=", ref).executeTakeFirst();
    return row ? toSession(row) : undefined;
  }

  /**
   * Replaces a session by a new id (after MFA, and whenever privilege changes): the old cookie
   * value stops working, so an id planted before login is worthless afterwards.
   */
  async rotate(ref: string, changes: { state?: SessionState; reauthenticated?: boolean } = {}, audit?: IdentityAuditEntry): Promise<{ token: string; ref: string }> {
    const token = randomToken();
    const newRef = hashToken(token);
    const t = this.now();
    const agentId = await this.db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom("agent_session").selectAll().where("id_hash", "=", ref).executeTakeFirstOrThrow();
      await trx.deleteFrom("agent_session").where("id_hash", "=", ref).execute();
      await trx
        .insertInto("agent_session")
        .values({
          ...row,
          id_hash: newRef,
          state: changes.state ?? row.state,
          last_seen_at: t,
          reauthenticated_at: changes.reauthenticated ? t : row.reauthenticated_at,
        })
        .execute();
      if (audit) await this.audit(trx, audit);
      return row.agent_id;
    });
    this.events.emitEnded({ sessionRef: ref, agentId, reason: "rotated" });
    return { token, ref: newRef };
  }

  async markReauthenticated(ref: string): Promise<void> {
    await this.db.updateTable("agent_session").set({ reauthenticated_at: this.now() }).where("id_hash", "=", ref).execute();
  }

  /**
   * Ends one session; returns whether it existed. The deletion and its audit entries (the end,
   * plus `also`, e.g. the logout that caused it) commit together.
   */
  async end(ref: string, reason: SessionEndReason, options: { actorAgentId?: string; also?: IdentityAuditEntry } = {}): Promise<boolean> {
    const { actorAgentId, also } = options;
    const agentId = await this.db.transaction().execute(async (trx) => {
      const row = await trx.deleteFrom("agent_session").where("id_hash", "=", ref).returning(["agent_id"]).executeTakeFirst();
      if (!row) return undefined;
      if (also) await this.audit(trx, also);
      await this.audit(trx, { event: "auth.session.ended", agentId: row.agent_id, reason, ...(actorAgentId ? { actorAgentId } : {}) });
      return row.agent_id;
    });
    if (!agentId) return false;
    this.events.emitEnded({ sessionRef: ref, agentId, reason });
    return true;
  }

  /** Ends every session of an agent (back-channel logout without `sid`). */
  async endAllForAgent(agentId: string, reason: SessionEndReason): Promise<number> {
    const refs = await this.db.selectFrom("agent_session").select("id_hash").where("agent_id", "=", agentId).execute();
    let ended = 0;
    for (const r of refs) if (await this.end(r.id_hash, reason)) ended++;
    return ended;
  }

  /**
   * Ends the sessions that came from one session at the IdP `issuer` (back-channel logout with
   * `sid`), narrowed to one agent when the logout token also names its subject.
   */
  async endByIdpSid(issuer: string, sid: string, reason: SessionEndReason, agentId?: string): Promise<number> {
    let query = this.db
      .selectFrom("agent_session")
      .innerJoin("agent", "agent.id", "agent_session.agent_id")
      .select("agent_session.id_hash")
      .where("agent.issuer", "=", issuer)
      .where("agent_session.idp_sid", "=", sid);
    if (agentId) query = query.where("agent_session.agent_id", "=", agentId);
    const refs = await query.execute();
    let ended = 0;
    for (const r of refs) if (await this.end(r.id_hash, reason)) ended++;
    return ended;
  }

  /**
   * Retention: ends sessions past their idle or absolute timeout that no request has looked up
   * since (those ended at lookup are gone already), and any session created before
   * `createdBefore` (retention.yaml `loginSessions.days`, should it be shorter than the timeouts).
   * Each goes through `end()`, so it is audited and its sockets close. Returns how many ended.
   */
  async endExpired(createdBefore: number, batch = 200): Promise<number> {
    let ended = 0;
    for (;;) {
      const t = this.now();
      const rules = this.rules();
      const rows = await this.db
        .selectFrom("agent_session")
        .select(["id_hash", "created_at", "last_seen_at"])
        .where((eb) =>
          eb.or([
            eb("created_at", "<=", t - rules.absoluteTimeoutMs),
            eb("last_seen_at", "<=", t - rules.idleTimeoutMs),
            eb("created_at", "<", createdBefore),
          ]),
        )
        .limit(batch)
        .execute();
      for (const r of rows) {
        const reason: SessionEndReason =
          t - Number(r.created_at) >= rules.absoluteTimeoutMs ? "absolute" : t - Number(r.last_seen_at) >= rules.idleTimeoutMs ? "idle" : "retention";
        if (await this.end(r.id_hash, reason)) ended++;
      }
      if (rows.length < batch) return ended;
    }
  }

  /** Every session with its agent, for admins. Expired ones are not listed. */
  async listAll(): Promise<Array<StoredSession & { agentName: string; agentSubject: string }>> {
    const t = this.now();
    const rules = this.rules();
    const rows = await this.db
      .selectFrom("agent_session")
      .innerJoin("agent", "agent.id", "agent_session.agent_id")
      .selectAll("agent_session")
      .select(["agent.display_name as agent_name", "agent.subject as agent_subject"])
      .where("agent_session.created_at", ">", t - rules.absoluteTimeoutMs)
      .where("agent_session.last_seen_at", ">", t - rules.idleTimeoutMs)
      .orderBy("agent_session.created_at", "desc")
      .limit(500)
      .execute();
    return rows.map((r) => ({ ...toSession(r), agentName: r.agent_name, agentSubject: r.agent_subject }));
  }
}

function toSession(row: AgentSessionTable): StoredSession {
  return {
    ref: row.id_hash,
    agentId: row.agent_id,
    state: row.state === "active" ? "active" : "pending_mfa",
    idpSid: row.idp_sid,
    amr: parseStringArray(row.amr_json),
    idTokenHint: row.id_token_hint,
    createdAt: Number(row.created_at),
    lastSeenAt: Number(row.last_seen_at),
    reauthenticatedAt: Number(row.reauthenticated_at),
  };
}

export function parseStringArray(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}
