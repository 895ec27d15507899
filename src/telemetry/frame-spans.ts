import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace, type Counter, type Tracer } from "@opentelemetry/api";
import type { SocketSide } from "../ops/connection-metrics.js";
import type { FrameTracer } from "./frame-hook.js";

/** A span per inbound WebSocket frame handled (side and kind, never the payload), each the root of its trace, and a count by kind. */
export function frameSpans(tracer: Tracer, frames: Counter): FrameTracer {
  return {
    frame<T>(side: SocketSide, kind: string, handle: () => T): T {
      frames.add(1, { "airlock.ws.side": side, "airlock.ws.kind": kind });
      const span = tracer.startSpan("ws", { kind: SpanKind.SERVER, attributes: { "airlock.ws.side": side, "airlock.ws.kind": kind } }, ROOT_CONTEXT);
      let result: T;
      try {
        result = context.with(trace.setSpan(ROOT_CONTEXT, span), handle);
      } catch (err) {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.setAttribute("error.type", err instanceof Error ? err.name : "unknown");
        span.end();
        throw err;
      }
      if (result instanceof Promise) {
        result.then(
          () => span.end(),
          (err: unknown) => {
            span.setStatus({ code: SpanStatusCode.ERROR });
            span.setAttribute("error.type", err instanceof Error ? err.name : "unknown");
            span.end();
          },
        );
      } else span.end();
      return result;
    },
  };
}
