import { lookup as dnsLookup } from "node:dns/promises";
import { isIP, type LookupFunction } from "node:net";
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

export type PinnedOutcome =
  | { readonly ok: true; readonly pinned: ResolvedAddress }
  | { readonly ok: false; readonly reason: "unresolvable"; readonly cause?: unknown }
  | { readonly ok: false; readonly reason: "refused"; readonly range: string };

/**
 * Resolves a host once and returns the address to connect to. Every address the name resolves
 * to must be allowed: a name that also points somewhere private is refused outright, so which
 * address the connection uses never decides whether the request is safe.
 */
export async function resolveAllowed(hostname: string, lookup: HostLookup, rules: AddressRules): Promise<PinnedOutcome> {
  const bare = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  const literal = isIP(bare);
  let addresses: readonly ResolvedAddress[];
  if (literal !== 0) addresses = [{ address: bare, family: literal === 6 ? 6 : 4 }];
  else {
    try {
      addresses = await lookup(bare);
    } catch (cause) {
      return { ok: false, reason: "unresolvable", cause };
    }
  }
  const first = addresses[0];
  if (!first) return { ok: false, reason: "unresolvable" };
  for (const a of addresses) {
    const verdict = judgeAddress(a.address, rules);
    if (!verdict.ok) return { ok: false, reason: "refused", range: verdict.range };
  }
  return { ok: true, pinned: first };
}

/**
 * The socket's DNS lookup, replaced by the answer checked beforehand: the name cannot resolve
 * differently between the check and the connection (DNS rebinding). TLS still verifies the
 * certificate for the host name.
 */
export function pinnedLookup(pinned: ResolvedAddress): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
    else callback(null, pinned.address, pinned.family);
  };
}
