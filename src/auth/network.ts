import ipaddr from "ipaddr.js";

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

export interface NetworkMatcher {
  contains(address: string | undefined): boolean;
}

/** Parses CIDRs once; an address matches when it falls in any of them (IPv4-mapped IPv6 unwrapped). */
export function cidrMatcher(cidrs: readonly string[]): NetworkMatcher {
  const ranges: Range[] = cidrs.map((c) => ipaddr.parseCIDR(c));
  return {
    contains(address) {
      if (!address || !ipaddr.isValid(address)) return false;
      const ip = ipaddr.process(address);
      return ranges.some(([base, bits]) => base.kind() === ip.kind() && ip.match([base, bits] as never));
    },
  };
}

/**
 * The client's address: the socket peer, unless that peer is a trusted proxy, in which case the
 * X-Forwarded-For chain is walked from the right, skipping trusted proxies. Untrusted peers
 * cannot choose their address by sending the header.
 */
export function clientAddress(peer: string | undefined, forwardedFor: string | undefined, trustedProxies: NetworkMatcher): string | undefined {
  let current = peer;
  if (!forwardedFor) return current;
  const hops = forwardedFor.split(",").map((h) => h.trim()).filter(Boolean);
  while (current && trustedProxies.contains(current) && hops.length > 0) current = hops.pop();
  return current;
}
