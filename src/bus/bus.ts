// The bus carries session traffic between replicas: fire-and-forget publish/subscribe of text
// messages on named channels. Nothing is stored: a message published while nobody listens is
// gone. One replica uses the in-process bus; several share Redis pub/sub.

export type BusHandler = (message: string) => void;

export interface Bus {
  /** "memory" or "redis": shown in logs and /readyz details, never the Redis URL. */
  readonly kind: "memory" | "redis";
  /** Whether messages can be published and received now (both Redis connections up): /readyz reports it. */
  readonly reachable: boolean;
  publish(channel: string, message: string): void;
  /** Resolves once the subscription is active; the returned function unsubscribes. */
  subscribe(channel: string, handler: BusHandler): Promise<() => void>;
  close(): Promise<void>;
}

/** Prefix of every channel Airlock uses, so a shared Redis can host other tenants too. */
export const CHANNEL_PREFIX = "airlock:";
