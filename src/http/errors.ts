import type { Middleware } from "koa";
import { AirlockError, asAirlockError } from "../errors.js";
import type { RequestState } from "./context.js";
import type { FailureLog } from "./failure-log.js";

/**
 * The one place where errors become HTTP responses: `{ error: { code, message, requestId } }`.
 * Messages of 5xx faults are never exposed; how a failure is logged is the failure log's
 * decision (faults at error with a stack, expected failures at info/warn, rate-limited).
 */
export function errorResponses(failures: FailureLog): Middleware<RequestState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: "not_found", message: "no such resource", requestId: ctx.state.requestId } };
      }
    } catch (thrown) {
      const err = asAirlockError(thrown);
      ctx.state.failureCode = err.code;
      failures.failure(err, thrown, { requestId: ctx.state.requestId, route: ctx.state.routeName ?? "(unmatched)", status: err.status });
      ctx.status = err.status;
      for (const [name, value] of Object.entries(err.headers)) ctx.set(name, value);
      if (ctx.path.startsWith("/scim/")) {
        // SCIM clients read RFC 7644's error shape (a body too large or not JSON fails before the SCIM route runs).
        ctx.type = "application/scim+json; charset=utf-8";
        const scimType = err.code === "invalid_body" || err.code === "bad_request" ? { scimType: "invalidSyntax" } : {};
        ctx.body = JSON.stringify({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: String(err.status), ...scimType, detail: err.expose ? err.message : "internal error" });
        return;
      }
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

/**
 * What the HTTP parser's own failures mean (they happen before Koa sees a request): a client too
 * slow for httpHeadersTimeoutMs / httpRequestTimeoutMs, oversized headers, or bytes that are not
 * HTTP. Undefined for a connection that just broke (reset, EPIPE): nothing to answer or log.
 */
export function parserFailure(thrown: unknown): AirlockError | undefined {
  const code = (thrown as { code?: unknown } | null)?.code;
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return new AirlockError("request_timeout", "the request did not arrive in time");
  if (code === "HPE_HEADER_OVERFLOW") return new AirlockError("headers_too_large", "request headers are too large");
  if (typeof code === "string" && code.startsWith("HPE_")) return new AirlockError("bad_request", "the request is not valid HTTP");
  return undefined;
}

/** The error model as a raw HTTP/1.1 response, for the parser and upgrade paths that have no Koa context. */
export function rawErrorResponse(err: AirlockError): string {
  const body = JSON.stringify({ error: { code: err.code, message: err.expose ? err.message : "internal error" } });
  const reason = err.status === 408 ? "Request Timeout" : err.status === 431 ? "Request Header Fields Too Large" : err.status === 429 ? "Too Many Requests" : err.status === 503 ? "Service Unavailable" : err.status === 404 ? "Not Found" : "Bad Request";
  return `HTTP/1.1 ${err.status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}
