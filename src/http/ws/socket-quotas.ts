import type { Config } from "../../config/schema.js";
import { OffenceMeter } from "../../quotas/offence-meter.js";
import { SlidingWindow } from "../../quotas/sliding-window.js";

/** Quotas of the WebSocket endpoints, from the validated configuration (docs/configuration.md, "Quotas"). */
export interface SocketQuotas {
  /** A meter for one connection's refusals for rate or quota; past wsOffenceLimit it is closed with 4429. */
  offences(): OffenceMeter;
  /** Records a new visit for the client address; false (nothing recorded) when it has opened visitsPerClientPerMinute already. */
  admitVisit(client: string | undefined): boolean;
}

export type SocketQuotaConfig = Pick<Config, "wsOffenceLimit" | "wsOffenceWindowSeconds" | "visitsPerClientPerMinute">;

export function socketQuotas(config: SocketQuotaConfig, now: () => number = Date.now): SocketQuotas {
  const visits = new SlidingWindow(config.visitsPerClientPerMinute, 60_000, now);
  return {
    offences: () => new OffenceMeter(config.wsOffenceLimit, config.wsOffenceWindowSeconds * 1000, now),
    // Without a resolvable address every such client shares one count: refusing them together is the safe side.
    admitVisit: (client) => visits.take(client ?? "(unknown)"),
  };
}
