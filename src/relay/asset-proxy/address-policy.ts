import ipaddr from "ipaddr.js";

// Which resolved addresses the asset proxy may connect to. An allowlist: only global unicast
// addresses pass. Private, loopback, link-local, unique-local, CGNAT, multicast, reserved and
// documentation ranges are refused, and so are IPv6 forms that embed an IPv4 address (6to4,
// NAT64, Teredo) because they can reach one. IPv4-mapped and IPv4-compatible IPv6 addresses are
// judged as the IPv4 address they carry (`ipaddr.process`).

export interface AddressRules {
  /** Dev mode only (config `assetProxyAllowLoopback`): the demo site is served on loopback. */
  readonly allowLoopback: boolean;
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
  return { ok: false, range };
}
