import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { loginCookieMaxAgeSeconds } from "./cookies.js";
import type { Clock } from "./session-store.js";
import { hashToken, randomToken, tokenShape } from "./tokens.js";

export interface LoginTransaction {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
}

/**
 * The state, nonce and PKCE verifier of one sign-in attempt, kept server-side and bound to the
 * browser by the login cookie. Taking a transaction deletes it: each can complete once.
 */
export class LoginTransactions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: Clock,
  ) {}

  async start(tx: LoginTransaction): Promise<string> {
    const id = randomToken();
    await this.db.deleteFrom("login_transaction").where("expires_at", "<=", this.now()).execute();
    await this.db
      .insertInto("login_transaction")
      .values({
        id_hash: hashToken(id),
        state: tx.state,
        nonce: tx.nonce,
        code_verifier: tx.codeVerifier,
        return_to: tx.returnTo,
        expires_at: this.now() + loginCookieMaxAgeSeconds * 1000,
      })
      .execute();
    return id;
  }

  async take(id: string | undefined): Promise<LoginTransaction | undefined> {
    if (!id || !tokenShape.test(id)) return undefined;
    const row = await this.db.deleteFrom("login_transaction").where("id_hash", "=", hashToken(id)).returningAll().executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.now()) return undefined;
    return { state: row.state, nonce: row.nonce, codeVerifier: row.code_verifier, returnTo: row.return_to };
  }
}
