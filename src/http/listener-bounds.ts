import type { Server, ServerOptions } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Config } from "../config/schema.js";
import type { ClientSlots } from "./client-slots.js";
import { parserFailure, rawErrorResponse } from "./errors.js";
import type { FailureLog } from "./failure-log.js";

/**
 * Node's own bounds on slow clients, from configuration. Node checks the header and request
 * deadlines on a sweep (30 s by default, which let a slow client hold a socket for ~38 s); the
 * sweep here runs at a quarter of the header bound, at most once a second.
 */
export function listenerBounds(config: Config): ServerOptions {
  return {
    headersTimeout: config.httpHeadersTimeoutMs,
    requestTimeout: config.httpRequestTimeoutMs,
    keepAliveTimeout: config.httpKeepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(25, Math.min(1_000, Math.floor(config.httpHeadersTimeoutMs / 4))),
  };
}

/** Caps connections per direct client and answers the parser's failures through the error model. */
export function guardListener(server: Server, slots: ClientSlots, failures: FailureLog): void {
  server.on("connection", (socket: Socket) => {
    if (slots.admitConnection(socket)) return;
    failures.expected("client", "too_many_connections", { status: 429 });
    socket.destroy();
  });
  server.on("clientError", (thrown: unknown, socket: Duplex) => {
    const err = parserFailure(thrown);
    if (!err) return void socket.destroy();
    failures.failure(err, thrown, { status: err.status });
    const response = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (!socket.writable || response?.headersSent) return void socket.destroy();
    socket.end(rawErrorResponse(err), () => socket.destroy());
    // A client that does not read the answer still loses the socket.
    setTimeout(() => socket.destroy(), 1_000).unref();
  });
}
