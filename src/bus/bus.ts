// The bus carries session traffic between replicas: fire-and-forget publish/subscribe of text
// messages on named channels. Nothing is stored: a message published while nobody listens is
// gone. One replica uses the in-process bus; several share Redis pub/sub.

/**
 * `trace` is the W3C `traceparent` of the publishing span when OpenTelemetry is on
 * (src/telemetry/bus-spans.ts), so a trace crosses server processes; handlers may ignore it.
 */
export type BusHandler = (message: string, trace?: string) => void;

export interface Bus {
  /** "memory" or "redis": shown in logs and /readyz details, never the Redis URL. */
  readonly kind: "memory" | "redis";
  /** Whether messages can be published and received now (both Redis connections up): /readyz reports it. */
  readonly reachable: boolean;
  /** `trace`: a W3C traceparent carried beside the message (see BusHandler); never part of the message. */
  publish(channel: string, message: string, trace?: string): void;
  /** Resolves once the subscription is active; the returned function unsubscribes. */
  subscribe(channel: string, handler: BusHandler): Promise<() => void>;
  close(): Promise<void>;
}

/** Prefix of every channel Airlock uses, so a shared Redis can host other tenants too. */
export const CHANNEL_PREFIX = "airlock:";
