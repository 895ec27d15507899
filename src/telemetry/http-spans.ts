import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace, type Tracer } from "@opentelemetry/api";
import type { Middleware } from "koa";
import type { RequestState } from "../http/context.js";

/**
 * One server span per HTTP request: method, route template, status and Airlock's failure code.
 * The path, query, headers and body are never read here. Every request starts a new trace: an
 * incoming `traceparent` header is not continued, since anyone on the internet can send one.
 */
export function httpSpans(tracer: Tracer): Middleware<RequestState> {
  return async (ctx, next) => {
    const span = tracer.startSpan("http", { kind: SpanKind.SERVER, attributes: { "http.request.method": ctx.method } }, ROOT_CONTEXT);
    try {
      await context.with(trace.setSpan(ROOT_CONTEXT, span), next);
    } catch (err) {
      span.setAttribute("error.type", err instanceof Error ? err.name : "unknown");
      throw err;
    } finally {
      span.setAttribute("http.route", ctx.state.routeName ?? "(unmatched)");
      span.setAttribute("http.response.status_code", ctx.status);
      if (ctx.state.failureCode) span.setAttribute("airlock.failure_code", ctx.state.failureCode);
      if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
