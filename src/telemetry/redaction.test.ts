import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { describe, expect, it } from "vitest";
import { redactedSpan } from "./redaction.js";

// The allowlist is the one place that keeps personal data out of spans: whatever a future span
// sets, only allowlisted keys with well-shaped values, and a name built from them, are exported.

function spanWith(name: string, attributes: ReadableSpan["attributes"]): ReadableSpan {
  const context = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 };
  return {
    name,
    kind: SpanKind.SERVER,
    spanContext: () => context,
    startTime: [1, 0],
    endTime: [2, 0],
    status: { code: SpanStatusCode.ERROR, message: "failed for someone@example.org" },
    attributes,
    links: [{ context, attributes: { note: "Jane Doe" } }],
    events: [{ name: "exception", time: [1, 5], attributes: { "exception.message": "chat text: hello Jane" } }],
    duration: [1, 0],
    ended: true,
    resource: {} as ReadableSpan["resource"],
    instrumentationScope: { name: "airlock" },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
}

describe("span redaction", () => {
  it("keeps allowlisted, well-shaped attributes and rebuilds the name from them", () => {
    const span = redactedSpan(
      spanWith("GET /api/v1/transcripts/4711?email=jane@example.org", {
        "http.request.method": "GET",
        "http.route": "/api/v1/transcripts/:id",
        "http.response.status_code": 404,
        "url.full": "https://airlock.example/api/v1/transcripts/4711?email=jane@example.org",
        "enduser.id": "jane",
        "http.request.header.cookie": "__Host-airlock=secret",
      }),
    );
    expect(span.name).toBe("GET /api/v1/transcripts/:id");
    expect(span.attributes).toEqual({ "http.request.method": "GET", "http.route": "/api/v1/transcripts/:id", "http.response.status_code": 404 });
    expect(span.events).toEqual([]);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR });
    expect(span.links).toEqual([{ context: span.spanContext() }]);
    expect(span.droppedAttributesCount).toBe(3);
  });

  it("drops an allowlisted key whose value has the wrong shape (a raw path, an e-mail, a sentence)", () => {
    const span = redactedSpan(
      spanWith("ws visitor Jane Doe", {
        "http.route": "/visitors/jane@example.org",
        "airlock.ws.kind": "Hello Jane, your balance is 100",
        "airlock.ws.side": "visitor",
        "db.collection.name": "chat_message; select 'x'",
        "messaging.destination.name": "chat:c:6f1c2d",
      }),
    );
    expect(span.attributes).toEqual({ "airlock.ws.side": "visitor" });
    expect(span.name).toBe("airlock");
    expect(JSON.stringify(span.attributes) + span.name).not.toMatch(/jane|balance|select|6f1c2d/i);
  });
});
