import type { Kysely } from "kysely";
import type { Database } from "../storage/schema.js";
import { loginCookieMaxAgeSeconds } from "./cookies.js";
import type { Clock } from "./session-store.js";
import { constantTimeEqual, deriveToken, hashToken, randomToken, tokenShape } from "./tokens.js";

/** What the authorization request carries and the callback must match. */
export interface LoginSecrets {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface LoginTransaction extends LoginSecrets {
  readonly returnTo: string;
}

/**
 * The state, nonce and PKCE verifier of one sign-in attempt, bound to the browser by the login
 * cookie. All three are derived from the cookie's random value, which only the browser holds; the
 * database keeps the SHA-256 of that value and of each secret (data map: secret-derived), so a
 * copy of the database cannot complete anyone's sign-in. Taking a transaction deletes it: each
 * can complete once.
 */
export class LoginTransactions {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: Clock,
  ) {}

  /** Opens a transaction: the login cookie value and the secrets the authorization request uses. */
  async start(returnTo: string): Promise<{ readonly id: string } & LoginTransaction> {
    const id = randomToken();
    const secrets = loginSecrets(id);
    await this.db.deleteFrom("login_transaction").where("expires_at", "<=", this.now()).execute();
    await this.db
      .insertInto("login_transaction")
      .values({
        id_hash: hashToken(id),
        state: hashToken(secrets.state),
        nonce: hashToken(secrets.nonce),
        code_verifier: hashToken(secrets.codeVerifier),
        return_to: returnTo,
        expires_at: this.now() + loginCookieMaxAgeSeconds * 1000,
      })
      .execute();
    return { id, ...secrets, returnTo };
  }

  async take(id: string | undefined): Promise<LoginTransaction | undefined> {
    if (!id || !tokenShape.test(id)) return undefined;
    const row = await this.db.deleteFrom("login_transaction").where("id_hash", "=", hashToken(id)).returningAll().executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.now()) return undefined;
    const secrets = loginSecrets(id);
    // Rows written before the secrets were derived (an upgrade mid-sign-in) simply fail to match.
    const matches =
      constantTimeEqual(row.state, hashToken(secrets.state)) &&
      constantTimeEqual(row.nonce, hashToken(secrets.nonce)) &&
      constantTimeEqual(row.code_verifier, hashToken(secrets.codeVerifier));
    return matches ? { ...secrets, returnTo: row.return_to } : undefined;
  }
}

/** The three per-login secrets, each derived for its own purpose from the login cookie's value. */
export function loginSecrets(id: string): LoginSecrets {
  return {
    state: deriveToken(id, "airlock oidc state"),
    nonce: deriveToken(id, "airlock oidc nonce"),
    codeVerifier: deriveToken(id, "airlock oidc pkce verifier"),
  };
}
