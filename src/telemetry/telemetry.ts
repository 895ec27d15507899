import type { Middleware } from "koa";
import type { Bus } from "../bus/bus.js";
import type { RequestState } from "../http/context.js";
import type { SocketSide } from "../ops/connection-metrics.js";
import type { Storage } from "../storage/db.js";

// What the server needs from OpenTelemetry, in Airlock's own types: nothing here imports the SDK,
// so the server can hold an optional Telemetry without loading it (src/telemetry/start.ts).

export interface Telemetry {
  /** One span per HTTP request, named by method and route template (never the path or query). */
  readonly httpMiddleware: Middleware<RequestState>;
  /** The same storage, whose queries each make a span (operation and table, never SQL or parameters). */
  traceStorage(storage: Storage): Storage;
  /** The same bus, whose publishes carry the trace to the receiving process (publish and receive spans). */
  traceBus(bus: Bus): Bus;
  /** Reports this process's open WebSocket connections as the `airlock.ws.connections` gauge; returns the function that stops it. */
  observeConnections(count: () => Readonly<Record<SocketSide, number>>): () => void;
  /** Exports what is pending now (tests; shutdown does it too). */
  forceFlush(): Promise<void>;
  /** Exports what is pending and stops the SDK. */
  shutdown(): Promise<void>;
}
