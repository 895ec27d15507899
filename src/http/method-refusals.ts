import type { Middleware } from "koa";
import { AirlockError } from "../errors.js";
import type { RequestState } from "./context.js";

/**
 * Turns the router's verdict on a method into the error model: a method no route implements
 * (TRACE, PROPFIND, …) is `not_implemented` (501), a known method on a path that does not take
 * it is `method_not_allowed` (405); both carry the path's Allow header when the path exists.
 * Placed before the router; the router's allowedMethods() (without throw) sets status and Allow.
 */
export function methodRefusals(): Middleware<RequestState> {
  return async (ctx, next) => {
    await next();
    if (ctx.body !== undefined || (ctx.status !== 405 && ctx.status !== 501)) return;
    const allow = ctx.response.get("Allow");
    if (!allow) ctx.remove("Allow"); // the router sets an empty one for paths that do not exist
    const headers = allow ? { Allow: allow } : undefined;
    if (ctx.status === 405) throw new AirlockError("method_not_allowed", "method not allowed for this resource", { ...(headers ? { headers } : {}) });
    throw new AirlockError("not_implemented", "this method is not supported", { ...(headers ? { headers } : {}) });
  };
}
