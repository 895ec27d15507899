import ipaddr from "ipaddr.js";

/** True when `address` lies in one of the CIDR ranges; IPv4-mapped IPv6 addresses count as IPv4. */
export function addressInRanges(address: string, cidrs: readonly string[]): boolean {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address);
  } catch {
    return false;
  }
  return cidrs.some((cidr) => {
    const [range, bits] = ipaddr.parseCIDR(cidr);
    return parsed.kind() === range.kind() && parsed.match([range, bits] as [typeof parsed, number]);
  });
}
