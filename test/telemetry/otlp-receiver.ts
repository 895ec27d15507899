import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// An OTLP/HTTP receiver for tests: a loopback node:http server that keeps every body it is sent
// (http/json) and decodes the spans, as a Collector would receive them.

export interface ReceivedSpan {
  readonly name: string;
  readonly kind: number;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly attributes: Readonly<Record<string, string | number | boolean>>;
  readonly resource: Readonly<Record<string, string | number | boolean>>;
  readonly eventCount: number;
}

export interface OtlpReceiver {
  readonly url: string;
  /** Every request body received, traces and metrics, as received. */
  readonly bodies: { readonly path: string; readonly contentType: string; readonly bytes: Buffer }[];
  spans(): ReceivedSpan[];
  /** The metric names received. */
  metricNames(): string[];
  stop(): Promise<void>;
}

type OtlpAttribute = { key: string; value: { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number } };

function attributesOf(list: OtlpAttribute[] | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const { key, value } of list ?? []) out[key] = value.stringValue ?? value.boolValue ?? value.doubleValue ?? Number(value.intValue);
  return out;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const bodies: { path: string; contentType: string; bytes: Buffer }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      bodies.push({ path: req.url ?? "", contentType: String(req.headers["content-type"]), bytes: Buffer.concat(chunks) });
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const json = (path: string) => bodies.filter((b) => b.path === path).map((b) => JSON.parse(b.bytes.toString("utf8")) as Record<string, unknown[]>);
  return {
    url,
    bodies,
    spans() {
      const spans: ReceivedSpan[] = [];
      for (const body of json("/v1/traces")) {
        for (const rs of body.resourceSpans as { resource?: { attributes?: OtlpAttribute[] }; scopeSpans: { spans: Record<string, unknown>[] }[] }[]) {
          const resource = attributesOf(rs.resource?.attributes);
          for (const ss of rs.scopeSpans) {
            for (const s of ss.spans) {
              spans.push({
                name: String(s.name),
                kind: Number(s.kind),
                traceId: String(s.traceId),
                spanId: String(s.spanId),
                parentSpanId: typeof s.parentSpanId === "string" ? s.parentSpanId : "",
                attributes: attributesOf(s.attributes as OtlpAttribute[] | undefined),
                resource,
                eventCount: Array.isArray(s.events) ? s.events.length : 0,
              });
            }
          }
        }
      }
      return spans;
    },
    metricNames() {
      const names = new Set<string>();
      for (const body of json("/v1/metrics")) {
        for (const rm of body.resourceMetrics as { scopeMetrics: { metrics: { name: string }[] }[] }[]) for (const sm of rm.scopeMetrics) for (const m of sm.metrics) names.add(m.name);
      }
      return [...names];
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
