import ipaddr from "ipaddr.js";

// Which resolved addresses Airlock may connect to when it makes a request on someone's behalf
// (the asset proxy fetching a page's images, a webhook delivery to a CRM). An allowlist: only
// global unicast addresses pass. Private, loopback, link-local (cloud metadata at 169.254.169.254
// included), unique-local, CGNAT, multicast, reserved and documentation ranges are refused, and so
// are IPv6 forms that embed an IPv4 address (6to4, NAT64, Teredo) because they can reach one.
// IPv4-mapped and IPv4-compatible IPv6 addresses are judged as the IPv4 address they carry
// (`ipaddr.process`). A deployment may name ranges it trusts (an in-house CRM) in `allowedRanges`.

export interface AddressRules {
  /** Dev mode only (config `assetProxyAllowLoopback`): the demo site is served on loopback. */
  readonly allowLoopback: boolean;
  /** CIDR ranges allowed although not global unicast (policy, e.g. webhooks.yaml `privateAddresses`). */
  readonly allowedRanges?: readonly string[];
}

export type AddressVerdict = { readonly ok: true } | { readonly ok: false; readonly range: string };

export function judgeAddress(address: string, rules: AddressRules): AddressVerdict {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return { ok: false, range: "invalid" };
  }
  const range = parsed.range();
  if (range === "unicast") return { ok: true };
  if (range === "loopback" && rules.allowLoopback) return { ok: true };
  if (rules.allowedRanges?.some((cidr) => inRange(parsed, cidr))) return { ok: true };
  return { ok: false, range };
}

function inRange(address: ipaddr.IPv4 | ipaddr.IPv6, cidr: string): boolean {
  try {
    const [net, bits] = ipaddr.parseCIDR(cidr);
    return address.kind() === net.kind() && address.match(net, bits);
  } catch {
    return false;
  }
}
