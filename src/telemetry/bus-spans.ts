import { ROOT_CONTEXT, SpanKind, context, propagation, trace, type Tracer } from "@opentelemetry/api";
import { CHANNEL_PREFIX, type Bus, type BusHandler } from "../bus/bus.js";

// Channel families: a channel's name may end in a conversation, agent or replica id, so only
// its family is an attribute.
const FAMILIES = ["chat:c", "chat:s", "chat:a", "chat:invitations", "chat:agents-online", "presence", "rooms", "sessions", "replica"];

export function channelFamily(channel: string): string {
  const name = channel.startsWith(CHANNEL_PREFIX) ? channel.slice(CHANNEL_PREFIX.length) : channel;
  return FAMILIES.find((family) => name === family || name.startsWith(`${family}:`)) ?? "other";
}

/**
 * A publish inside a traced operation (an HTTP request, a WebSocket frame) makes a producer span
 * and sends its traceparent beside the message; the receiving process continues that trace with
 * a consumer span around the handler. Background traffic (presence heartbeats, directory sync)
 * publishes outside any trace and makes no span.
 */
export class TracedBus implements Bus {
  constructor(
    private readonly inner: Bus,
    private readonly tracer: Tracer,
  ) {}

  get kind(): Bus["kind"] {
    return this.inner.kind;
  }

  get reachable(): boolean {
    return this.inner.reachable;
  }

  publish(channel: string, message: string, traceparent?: string): void {
    const active = context.active();
    if (!trace.getSpan(active)?.isRecording()) return this.inner.publish(channel, message, traceparent);
    const span = this.tracer.startSpan("bus", { kind: SpanKind.PRODUCER, attributes: this.#attributes(channel, "publish") }, active);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(active, span), carrier);
    this.inner.publish(channel, message, carrier.traceparent);
    span.end();
  }

  subscribe(channel: string, handler: BusHandler): Promise<() => void> {
    return this.inner.subscribe(channel, (message, traceparent) => {
      if (traceparent === undefined) return handler(message);
      const parent = propagation.extract(ROOT_CONTEXT, { traceparent });
      const span = this.tracer.startSpan("bus", { kind: SpanKind.CONSUMER, attributes: this.#attributes(channel, "receive") }, parent);
      try {
        context.with(trace.setSpan(parent, span), () => handler(message, traceparent));
      } finally {
        span.end();
      }
    });
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  #attributes(channel: string, operation: "publish" | "receive") {
    return { "messaging.system": this.inner.kind, "messaging.operation.type": operation, "messaging.destination.name": channelFamily(channel) };
  }
}
