import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AirlockError } from "../../errors.js";
import { judgeAddress, type AddressRules } from "./address-policy.js";

export interface ResolvedAddress {
  readonly address: string;
  readonly family: 4 | 6;
}

/** Host name → addresses. Injectable so tests can map test host names without touching DNS. */
export type HostLookup = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemLookup: HostLookup = async (hostname) => {
  const found = await dnsLookup(hostname, { all: true, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * Resolves a host once and returns the address to connect to. Every address the name resolves
 * to must be allowed: a name that also points somewhere private is refused outright, so which
 * address the connection uses never decides whether the request is safe.
 */
export async function resolvePinned(hostname: string, lookup: HostLookup, rules: AddressRules): Promise<ResolvedAddress> {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  const literal = isIP(bare);
  let addresses: readonly ResolvedAddress[];
  if (literal !== 0) addresses = [{ address: bare, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(bare);
    } catch (err) {
      throw new AirlockError("asset_upstream_failed", "the asset host name does not resolve", { cause: err });
    }
  }
  const first = addresses[0];
  if (!first) throw new AirlockError("asset_upstream_failed", "the asset host name does not resolve");
  for (const a of addresses) {
    const verdict = judgeAddress(a.address, rules);
    if (!verdict.ok) {
      throw new AirlockError("asset_address_refused", `the asset host resolves to a ${verdict.range} address`, { details: { range: verdict.range } });
    }
  }
  return first;
}
