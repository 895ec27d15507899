import ipaddr from "ipaddr.js";
import { z } from "zod";
import { asvsRefs, policyVersion } from "./asvs.js";

/** An IP range in CIDR notation (IPv4 or IPv6), as network.yaml and webhooks.yaml write them. */
export const cidr = z.string().refine(
  (value) => {
    try {
      ipaddr.parseCIDR(value);
      return true;
    } catch {
      return false;
    }
  },
  { error: (i) => `not a CIDR range (e.g. 10.0.0.0/8 or fd00::/8): ${String(i.input)}` },
);

export const networkSchema = z.strictObject({
  version: policyVersion,
  /** Agents may act only from these ranges. */
  agentAllowlist: z.strictObject({ cidrs: z.array(cidr).min(1), asvs: asvsRefs }),
  /** Proxies whose X-Forwarded-For is believed when finding the client address. */
  trustedProxies: z.strictObject({ cidrs: z.array(cidr), asvs: asvsRefs }),
});

export type NetworkPolicy = z.output<typeof networkSchema>;
