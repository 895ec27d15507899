import { randomUUID } from "node:crypto";
import type { Middleware } from "koa";
import type { RequestState } from "./context.js";

const acceptable = /^[A-Za-z0-9._:-]{8,128}$/;

/** Gives every request an id (reusing a well-formed one from a trusted proxy) and echoes it. */
export function requestId(trustProxy: boolean): Middleware<RequestState> {
  return async (ctx, next) => {
    const incoming = ctx.get("x-request-id");
    ctx.state.requestId = trustProxy && acceptable.test(incoming) ? incoming : randomUUID();
    ctx.set("X-Request-Id", ctx.state.requestId);
    await next();
  };
}
