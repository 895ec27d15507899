import type { Middleware } from "koa";
import { AirlockError } from "../errors.js";
import type { ClientSlots } from "./client-slots.js";
import type { RequestState } from "./context.js";

/**
 * Behind a trusted proxy the socket is the proxy's, so the per-client cap counts requests in
 * flight per forwarded client address instead (direct clients are capped per connection in
 * server.ts). Runs before the body is read.
 */
export function proxiedClientCap(slots: ClientSlots): Middleware<RequestState> {
  return async (ctx, next) => {
    const peer = ctx.req.socket.remoteAddress;
    if (!slots.isTrustedProxy(peer)) {
      await next();
      return;
    }
    const release = slots.acquire(slots.clientOf(peer, ctx.req.headers["x-forwarded-for"]));
    if (!release) throw new AirlockError("too_many_connections", "too many connections from this client");
    ctx.res.once("close", release);
    await next();
  };
}
