import { createServer, type Server } from "node:http";
import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** One registry per process (tests create several apps; each gets its own). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<"method" | "route" | "status">;
  readonly httpDuration: Histogram<"method" | "route" | "status">;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: "airlock_" });
    this.httpRequests = new Counter({
      name: "airlock_http_requests_total",
      help: "HTTP requests by method, matched route and status",
      labelNames: ["method", "route", "status"],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: "airlock_http_request_duration_seconds",
      help: "HTTP request latency by method, matched route and status",
      labelNames: ["method", "route", "status"],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
  }
}

/** The metrics listener is separate from the public one so it can stay on a private address. */
export function createMetricsServer(metrics: Metrics): Server {
  return createServer((req, res) => {
    if (req.method === "GET" && req.url === "/metrics") {
      metrics.registry
        .metrics()
        .then((body) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType, "cache-control": "no-store" });
          res.end(body);
        })
        .catch(() => {
          res.writeHead(500).end();
        });
      return;
    }
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  });
}
