import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import type { Clock } from "./session-store.js";
import { hashToken, randomToken, tokenShape } from "./tokens.js";

/**
 * Short-lived, single-use WebSocket tickets. The console fetches one over its authenticated
 * HTTPS session and passes it when opening /ws/agent; consuming deletes it, so a ticket seen
 * in a log or a proxy cannot open a second socket.
 */
export class WsTickets {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly ttlMs: () => number,
    private readonly now: Clock,
  ) {}

  async issue(sessionRef: string): Promise<{ ticket: string; expiresAt: number }> {
    const ticket = randomToken();
    const expiresAt = this.now() + this.ttlMs();
    await this.db.deleteFrom("ws_ticket").where("expires_at", "<=", this.now()).execute();
    await this.db.insertInto("ws_ticket").values({ id_hash: hashToken(ticket), session_id_hash: sessionRef, expires_at: expiresAt }).execute();
    return { ticket, expiresAt };
  }

  /** The session a ticket was issued for, or undefined when unknown, used or expired. */
  async consume(ticket: string | undefined): Promise<string | undefined> {
    if (!ticket || !tokenShape.test(ticket)) return undefined;
    const row = await this.db.deleteFrom("ws_ticket").where("id_hash", "=", hashToken(ticket)).returning(["session_id_hash", "expires_at"]).executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.now()) return undefined;
    return row.session_id_hash;
  }
}
