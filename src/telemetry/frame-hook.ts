import type { SocketSide } from "../ops/connection-metrics.js";

// The WebSocket hot path's only contact with telemetry: one variable, undefined unless
// OpenTelemetry was started, so frames pay a single comparison when it is off. The SDK side
// (src/telemetry/frame-spans.ts) installs itself here when it starts and removes itself when it stops.

export interface FrameTracer {
  /** Runs `handle` for one inbound frame of `kind`, inside its span; a returned promise ends the span when it settles. */
  frame<T>(side: SocketSide, kind: string, handle: () => T): T;
}

let installed: FrameTracer | undefined;

export function installFrameTracer(tracer: FrameTracer | undefined): void {
  installed = tracer;
}

/** Handles one inbound frame whose kind the protocol knows (never refused frames: their kind is not trusted). */
export function traceFrame<T>(side: SocketSide, kind: string, handle: () => T): T {
  return installed === undefined ? handle() : installed.frame(side, kind, handle);
}
