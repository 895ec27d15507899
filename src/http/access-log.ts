import type { Middleware } from "koa";
import type { Logger } from "../ops/log.js";
import type { Metrics } from "../ops/metrics.js";
import type { RequestState } from "./context.js";

/**
 * Logs one line per request and records metrics. Only the matched route pattern is logged: paths,
 * query strings, headers, bodies and client addresses can carry tokens or personal data.
 */
export function accessLog(log: Logger, metrics: Metrics): Middleware<RequestState> {
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const route = ctx.state.routeName ?? "(unmatched)";
      const labels = { method: ctx.method, route, status: String(ctx.status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      log.info(
        { requestId: ctx.state.requestId, method: ctx.method, route, status: ctx.status, code: ctx.state.failureCode, ms: Math.round(seconds * 1000) },
        "http request",
      );
    }
  };
}
