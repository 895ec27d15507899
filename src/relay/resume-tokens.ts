import { createHash, randomBytes } from "node:crypto";

interface TokenRecord {
  readonly visitId: string;
  readonly siteId: string;
}

/**
 * Visitor resume tokens: the visitor's ticket to continue its visit (its chat connection and,
 * when one is running, its co-browse session) on the next page of the same site. Each is single
 * use (the welcome of a resume hands out the next, which replaces it), bound to one visit and one site,
 * and lives only as long as its visit, which itself ends shortly after the visitor's connection
 * goes away without a resume. Kept in memory as hashes only.
 */
export class ResumeTokens {
  readonly #byHash = new Map<string, TokenRecord>();
  readonly #byVisit = new Map<string, string>();

  /** A fresh token for the visit; any earlier token of the visit stops working. */
  issue(visitId: string, siteId: string): string {
    return this.adopt(visitId, siteId, newResumeToken());
  }

  /** Makes `token` the visit's current one (a takeover chose it before claiming the visit). */
  adopt(visitId: string, siteId: string, token: string): string {
    this.revoke(visitId);
    const hash = digest(token);
    this.#byHash.set(hash, { visitId, siteId });
    this.#byVisit.set(visitId, hash);
    return token;
  }

  /**
   * The visit a token was issued for; undefined when unknown or used. Looking does not use the
   * token up: the welcome of a resume issues the visit's next token, which replaces it, so a
   * refused resume leaves the token as it was.
   */
  visitOf(token: string, siteIds: ReadonlySet<string>): string | undefined {
    const record = this.#byHash.get(digest(token));
    // A token presented from another site's origin is refused but stays valid for its own site.
    if (!record || !siteIds.has(record.siteId)) return undefined;
    return record.visitId;
  }

  revoke(visitId: string): void {
    const hash = this.#byVisit.get(visitId);
    if (hash === undefined) return;
    this.#byHash.delete(hash);
    this.#byVisit.delete(visitId);
  }

  get size(): number {
    return this.#byHash.size;
  }
}

export function newResumeToken(): string {
  return randomBytes(32).toString("base64url");
}

function digest(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
