import { AirlockError } from "../../errors.js";
import type { AddressRules } from "../../http/egress/address-policy.js";
import { resolveAllowed, type HostLookup, type ResolvedAddress } from "../../http/egress/pinned-address.js";

export { systemLookup, type HostLookup, type ResolvedAddress } from "../../http/egress/pinned-address.js";

/** The outbound address guard (src/http/egress/) in the asset proxy's error codes. */
export async function resolvePinned(hostname: string, lookup: HostLookup, rules: AddressRules): Promise<ResolvedAddress> {
  const outcome = await resolveAllowed(hostname, lookup, rules);
  if (outcome.ok) return outcome.pinned;
  if (outcome.reason === "unresolvable") throw new AirlockError("asset_upstream_failed", "the asset host name does not resolve", { cause: outcome.cause });
  throw new AirlockError("asset_address_refused", `the asset host resolves to a ${outcome.range} address`, { details: { range: outcome.range } });
}
