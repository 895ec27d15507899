import { createHash, randomBytes } from "node:crypto";

interface TokenRecord {
  readonly visitId: string;
  readonly siteId: string;
}

/**
 * Visitor resume tokens: the visitor's ticket to continue its visit (its chat connection and,
 * when one is running, its co-browse session) on the next page of the same site. Each is single
 * use (resuming consumes it and the welcome hands out the next), bound to one visit and one site,
 * and lives only as long as its visit, which itself ends shortly after the visitor's connection
 * goes away without a resume. Kept in memory as hashes only.
 */
export class ResumeTokens {
  readonly #byHash = new Map<string, TokenRecord>();
  readonly #byVisit = new Map<string, string>();

  /** A fresh token for the visit; any earlier token of the visit stops working. */
  issue(visitId: string, siteId: string): string {
    this.revoke(visitId);
    const token = randomBytes(32).toString("base64url");
    const hash = digest(token);
    this.#byHash.set(hash, { visitId, siteId });
    this.#byVisit.set(visitId, hash);
    return token;
  }

  /** The visit a token was issued for, consuming the token; undefined when unknown or used. */
  consume(token: string, siteIds: ReadonlySet<string>): string | undefined {
    const hash = digest(token);
    const record = this.#byHash.get(hash);
    if (!record) return undefined;
    // A token presented from another site's origin is refused but stays valid for its own site.
    if (!siteIds.has(record.siteId)) return undefined;
    this.#byHash.delete(hash);
    this.#byVisit.delete(record.visitId);
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

function digest(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}
