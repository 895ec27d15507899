import ipaddr from "ipaddr.js";

export interface AllowlistWidth {
  readonly ranges: number;
  /** The widest range per family (shortest prefix), e.g. `10.0.0.0/8`. */
  readonly widestIpv4: string | null;
  readonly widestIpv6: string | null;
  /** Addresses the IPv4 ranges cover together (overlaps counted once per range, an upper bound). */
  readonly ipv4Addresses: number;
  /** log2 of the IPv6 addresses the widest IPv6 range covers (128 - prefix). */
  readonly ipv6WidestBits: number | null;
  /** Ranges that admit every address: 0.0.0.0/0 or ::/0. */
  readonly everything: readonly string[];
}

/** How wide the agent network allowlist is: what an auditor asks first. */
export function allowlistWidth(cidrs: readonly string[]): AllowlistWidth {
  let widest4: [string, number] | null = null;
  let widest6: [string, number] | null = null;
  let ipv4Addresses = 0;
  const everything: string[] = [];
  for (const cidr of cidrs) {
    const [range, bits] = ipaddr.parseCIDR(cidr);
    if (bits === 0) everything.push(cidr);
    if (range.kind() === "ipv4") {
      ipv4Addresses += 2 ** (32 - bits);
      if (!widest4 || bits < widest4[1]) widest4 = [cidr, bits];
    } else if (!widest6 || bits < widest6[1]) {
      widest6 = [cidr, bits];
    }
  }
  return {
    ranges: cidrs.length,
    widestIpv4: widest4?.[0] ?? null,
    widestIpv6: widest6?.[0] ?? null,
    ipv4Addresses,
    ipv6WidestBits: widest6 ? 128 - widest6[1] : null,
    everything,
  };
}
