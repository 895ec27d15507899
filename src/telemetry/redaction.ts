import type { AttributeValue, Attributes, Context } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";

// The one place that decides what leaves the process in a span. Every exported span passes
// here: attributes not on the allowlist, or whose value does not have the expected shape, are
// dropped; events (exception messages, stack traces) and status messages are dropped; the span
// name is rebuilt from the allowed attributes. So a span added later cannot leak page content,
// message text, tokens, cookies, e-mail addresses or names by accident: it would need a new
// entry here, which docs/opentelemetry.md and compliance/data-map.yaml list.

const TOKEN = /^[A-Za-z0-9_.:-]{1,64}$/;

/** Allowed attribute keys, each with the shape its value must have. */
export const SPAN_ATTRIBUTES: Readonly<Record<string, (value: AttributeValue) => boolean>> = {
  "http.request.method": (v) => typeof v === "string" && /^[A-Z]{3,7}$/.test(v),
  // The matched route template (`/api/v1/chat/conversations/:id`), never the requested path.
  "http.route": (v) => typeof v === "string" && (v === "(unmatched)" || /^\/[A-Za-z0-9_.:/-]{0,119}$/.test(v)),
  "http.response.status_code": (v) => typeof v === "number" && Number.isInteger(v) && v >= 100 && v <= 599,
  "airlock.failure_code": (v) => typeof v === "string" && /^[a-z_]{1,48}$/.test(v),
  "airlock.ws.side": (v) => v === "visitor" || v === "agent",
  "airlock.ws.kind": (v) => typeof v === "string" && /^[a-z-]{1,40}$/.test(v),
  "db.system.name": (v) => v === "sqlite" || v === "postgresql",
  "db.operation.name": (v) => typeof v === "string" && /^[a-z]{1,16}$/.test(v),
  "db.collection.name": (v) => typeof v === "string" && /^[a-z_][a-z0-9_]{0,62}$/.test(v),
  "messaging.system": (v) => v === "redis" || v === "memory",
  "messaging.operation.type": (v) => v === "publish" || v === "receive",
  "messaging.destination.name": (v) => typeof v === "string" && /^[a-z:-]{1,40}$/.test(v),
  "error.type": (v) => typeof v === "string" && TOKEN.test(v),
};

/** Metric attributes: the only keys any exported metric data point may carry (a metric view enforces it). */
export const METRIC_ATTRIBUTES = ["airlock.ws.side", "airlock.ws.kind"] as const;

export function allowedAttributes(attributes: Attributes): Attributes {
  const kept: Attributes = {};
  for (const [key, value] of Object.entries(attributes)) {
    const check = SPAN_ATTRIBUTES[key];
    if (check && value !== undefined && check(value)) kept[key] = value;
  }
  return kept;
}

/** The span's name, made of allowed attributes only. */
export function spanNameOf(a: Attributes): string {
  const text = (key: string): string | undefined => {
    const v = a[key];
    return typeof v === "string" ? v : undefined;
  };
  const method = text("http.request.method");
  if (method) return `${method} ${text("http.route") ?? "(unmatched)"}`;
  const kind = text("airlock.ws.kind");
  if (kind) return `ws ${text("airlock.ws.side") ?? "?"} ${kind}`;
  const operation = text("db.operation.name");
  if (operation) return [operation, text("db.collection.name")].filter(Boolean).join(" ");
  const messaging = text("messaging.operation.type");
  if (messaging) return [messaging, text("messaging.destination.name")].filter(Boolean).join(" ");
  return "airlock";
}

/** A copy of the span with only what the allowlist lets through. */
export function redactedSpan(span: ReadableSpan): ReadableSpan {
  const attributes = allowedAttributes(span.attributes);
  return {
    name: spanNameOf(attributes),
    kind: span.kind,
    spanContext: () => span.spanContext(),
    ...(span.parentSpanContext ? { parentSpanContext: span.parentSpanContext } : {}),
    startTime: span.startTime,
    endTime: span.endTime,
    status: { code: span.status.code },
    attributes,
    links: span.links.map((link) => ({ context: link.context })),
    events: [],
    duration: span.duration,
    ended: span.ended,
    resource: span.resource,
    instrumentationScope: span.instrumentationScope,
    droppedAttributesCount: span.droppedAttributesCount + Object.keys(span.attributes).length - Object.keys(attributes).length,
    droppedEventsCount: span.droppedEventsCount + span.events.length,
    droppedLinksCount: span.droppedLinksCount,
  };
}

/** Wraps the exporting processor: it only ever sees redacted spans. */
export class RedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}
  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }
  onEnd(span: ReadableSpan): void {
    this.next.onEnd(redactedSpan(span));
  }
  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }
  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
