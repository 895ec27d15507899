import type { Middleware } from "koa";
import { asAirlockError } from "../errors.js";
import type { Logger } from "../ops/log.js";
import type { RequestState } from "./context.js";

/**
 * The one place where errors become HTTP responses: `{ error: { code, message, requestId } }`.
 * Messages of 5xx errors are never exposed; the cause is logged (without request content).
 */
export function errorResponses(log: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: "not_found", message: "no such resource", requestId: ctx.state.requestId } };
      }
    } catch (thrown) {
      const err = asAirlockError(thrown);
      if (err.status >= 500) {
        log.error({ requestId: ctx.state.requestId, code: err.code, err: describeCause(thrown) }, "request failed");
      }
      ctx.status = err.status;
      ctx.body = {
        error: {
          code: err.code,
          message: err.expose ? err.message : "internal error",
          requestId: ctx.state.requestId,
          ...(err.expose && err.details ? { details: err.details } : {}),
        },
      };
    }
  };
}

/** Error type and stack only: messages from libraries can echo input, which must not reach logs. */
function describeCause(thrown: unknown): { type: string; stack?: string } {
  if (thrown instanceof Error) {
    const stack = thrown.stack?.split("\n").slice(1, 8).join("\n");
    return stack ? { type: thrown.name, stack } : { type: thrown.name };
  }
  return { type: typeof thrown };
}
