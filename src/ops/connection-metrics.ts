import { Gauge, type Registry } from "prom-client";

/** The two WebSocket endpoints a server process holds connections of. */
export type SocketSide = "visitor" | "agent";

/** The metric the Helm chart's HorizontalPodAutoscaler scales on (through a Prometheus adapter rule, docs/deployment.md). */
export const CONNECTIONS_METRIC = "airlock_websocket_connections";

/**
 * `airlock_websocket_connections{side="visitor"|"agent"}`: open WebSocket connections of this
 * server process, read at scrape time. Connections, not CPU, are what an idle bank site costs a
 * server process (memory per visitor: `bin/airlock bench visitors`), so autoscaling follows them.
 */
export function registerConnectionMetric(registry: Registry, count: () => Readonly<Record<SocketSide, number>>): Gauge<"side"> {
  return new Gauge({
    name: CONNECTIONS_METRIC,
    help: "Open WebSocket connections of this server process, by side (visitor, agent)",
    labelNames: ["side"],
    registers: [registry],
    collect() {
      const counts = count();
      this.set({ side: "visitor" }, counts.visitor);
      this.set({ side: "agent" }, counts.agent);
    },
  });
}
