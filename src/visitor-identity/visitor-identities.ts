import type { Kysely } from "kysely";
import { recordAudit } from "../audit/trail.js";
import { AirlockError } from "../errors.js";
import type { VerifiedCustomer } from "../protocol/chat-frames.js";
import type { Database } from "../storage/schema.js";
import { spendTokenId } from "./used-tokens.js";
import { verifyIdentityToken, type IdentityRefusalReason, type SiteForIdentity } from "./verify-token.js";

/** Where a visit's verified customer is kept while the visit lasts (the live visitor list). */
export interface VerifiedVisits {
  verifiedOf(site: string, visitor: string): VerifiedCustomer | undefined;
  setVerified(site: string, visitor: string, customer: VerifiedCustomer): void;
}

export interface VisitorIdentityDeps {
  readonly db: Kysely<Database>;
  readonly site: (siteId: string) => SiteForIdentity | undefined;
  readonly visits: VerifiedVisits;
  readonly now?: () => number;
}

const codeOf: Readonly<Record<IdentityRefusalReason, "identity_invalid" | "identity_expired">> = {
  not_configured: "identity_invalid",
  too_large: "identity_invalid",
  malformed: "identity_invalid",
  algorithm: "identity_invalid",
  no_key: "identity_invalid",
  signature: "identity_invalid",
  audience: "identity_invalid",
  claims: "identity_invalid",
  unknown_claim: "identity_invalid",
  expired: "identity_expired",
  not_yet_valid: "identity_expired",
  lifetime: "identity_expired",
};

const messageOf: Readonly<Record<IdentityRefusalReason, string>> = {
  not_configured: "this site verifies no visitor identity (policies/sites.yaml identity)",
  too_large: "the identity token is too large",
  malformed: "the identity token is not a signed JWT",
  algorithm: "the identity token's algorithm is not one the site allows",
  no_key: "no key of the site matches the identity token (kid)",
  signature: "the identity token's signature does not verify",
  audience: "the identity token is for another site (aud must be the site key)",
  claims: "the identity token lacks a valid sub, name, jti, iat or exp, or an attribute is not a short string",
  unknown_claim: "the identity token carries a claim the site's policy does not list",
  expired: "the identity token has expired",
  not_yet_valid: "the identity token is not valid yet (iat or nbf in the future)",
  lifetime: "the identity token lives longer than the site's maxLifetimeSeconds",
};

/**
 * Verified visitors: checks a visit's identity token, spends its `jti` (once across every server
 * process), then records the customer on the visit (shown to agents) and on the visit's
 * conversations (so a data subject request finds them by customer id). Every refusal is audited
 * with its reason and changes nothing else; a visit keeps the customer it was first verified as.
 */
export class VisitorIdentities {
  readonly #now: () => number;

  constructor(private readonly deps: VisitorIdentityDeps) {
    this.#now = deps.now ?? Date.now;
  }

  async identify(visit: { readonly siteId: string; readonly visitorId: string }, token: string): Promise<VerifiedCustomer> {
    const site = this.deps.site(visit.siteId);
    const now = this.#now();
    const check = await verifyIdentityToken(token, site ?? { siteKey: "" }, now);
    if (!check.ok) {
      await this.#audit(visit, "failure", check.reason);
      throw new AirlockError(codeOf[check.reason], messageOf[check.reason]);
    }
    const earlier = this.deps.visits.verifiedOf(visit.siteId, visit.visitorId);
    if (earlier && earlier.customerId !== check.visitor.customerId) {
      await this.#audit(visit, "failure", "other_customer");
      throw new AirlockError("conflict", "this visit is already verified as another customer");
    }
    if (!(await spendTokenId(this.deps.db, visit.siteId, check.jti, check.acceptableUntil, now))) {
      await this.#audit(visit, "failure", "replayed");
      throw new AirlockError("identity_replayed", "the identity token was used before (each jti is accepted once)");
    }
    const customer: VerifiedCustomer = { customerId: check.visitor.customerId, name: check.visitor.name, attributes: { ...check.visitor.attributes } };
    await this.deps.db
      .updateTable("chat_conversation")
      .set({ customer_id: customer.customerId })
      .where("site_id", "=", visit.siteId)
      .where("visitor_id", "=", visit.visitorId)
      .where("customer_id", "is", null)
      .execute();
    this.deps.visits.setVerified(visit.siteId, visit.visitorId, customer);
    await this.#audit(visit, "success");
    return customer;
  }

  /** A conversation the visit started after it was verified (on this or an earlier page) carries its customer id. */
  async tagConversation(visit: { readonly siteId: string; readonly visitorId: string }, conversationId: string): Promise<void> {
    const customerId = this.deps.visits.verifiedOf(visit.siteId, visit.visitorId)?.customerId;
    if (customerId === undefined) return;
    await this.deps.db.updateTable("chat_conversation").set({ customer_id: customerId }).where("id", "=", conversationId).where("customer_id", "is", null).execute();
  }

  #audit(visit: { readonly siteId: string; readonly visitorId: string }, decision: "success" | "failure", rule?: string): Promise<unknown> {
    // Identifiers only: never the token or its claims.
    return recordAudit(this.deps.db, { actor: `visitor:${visit.siteId}`, action: "visitor.identify", target: `visit:${visit.visitorId}`, decision, ...(rule ? { rule } : {}) });
  }
}
