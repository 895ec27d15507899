// Airlock's one error model. Every failure that reaches a client is an AirlockError with a
// stable `code`; `status` drives HTTP, `wsClose` drives WebSocket close codes, and `expose`
// says whether the message may be shown (never for 5xx). Mapping happens in http/errors.ts
// and in the WebSocket layers, nowhere else.

export type ErrorCode =
  | "bad_request"
  | "request_timeout"
  | "headers_too_large"
  | "invalid_body"
  | "payload_too_large"
  | "unsupported_media_type"
  | "unauthenticated"
  | "forbidden"
  | "origin_not_allowed"
  | "not_found"
  | "method_not_allowed"
  | "not_implemented"
  | "conflict"
  | "rate_limited"
  | "too_many_connections"
  | "not_ready"
  | "shutting_down"
  | "asset_signature_invalid"
  | "asset_url_expired"
  | "asset_room_ended"
  | "asset_origin_refused"
  | "asset_address_refused"
  | "asset_type_refused"
  | "asset_too_large"
  | "asset_upstream_failed"
  | "asset_timeout"
  | "internal";

const statusOf: Record<ErrorCode, number> = {
  bad_request: 400,
  request_timeout: 408,
  headers_too_large: 431,
  invalid_body: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  not_implemented: 501,
  conflict: 409,
  rate_limited: 429,
  too_many_connections: 429,
  not_ready: 503,
  shutting_down: 503,
  // Asset proxy (src/relay/asset-proxy): refusals of the request itself are 403, upstream trouble 502/504.
  asset_signature_invalid: 403,
  // A URL that was valid once: past its expiry, or its co-browse session is over.
  asset_url_expired: 410,
  asset_room_ended: 410,
  asset_origin_refused: 403,
  asset_address_refused: 403,
  asset_type_refused: 502,
  asset_too_large: 502,
  asset_upstream_failed: 502,
  asset_timeout: 504,
  internal: 500,
};

/**
 * Who caused a failure, which decides how it is logged (http/failure-log.ts): `client` and
 * `upstream` failures are expected (anyone can trigger them, so they log at info/warn without a
 * stack, rate-limited); `unavailable` is the service draining or not ready; only `fault` is a
 * bug or broken dependency of Airlock itself and logs at error with its stack.
 */
export type FailureCause = "client" | "upstream" | "unavailable" | "fault";

const upstreamCodes: ReadonlySet<ErrorCode> = new Set(["asset_type_refused", "asset_too_large", "asset_upstream_failed", "asset_timeout"]);

function causeOf(code: ErrorCode, status: number): FailureCause {
  if (upstreamCodes.has(code)) return "upstream";
  if (code === "not_ready" || code === "shutting_down") return "unavailable";
  if (code === "not_implemented" || status < 500) return "client";
  return "fault";
}

// 4000-4999 are application close codes; the low digits mirror the HTTP status.
const wsCloseOf: Partial<Record<ErrorCode, number>> = {
  unauthenticated: 4401,
  forbidden: 4403,
  origin_not_allowed: 4403,
  payload_too_large: 1009,
  rate_limited: 4429,
  too_many_connections: 4429,
  shutting_down: 1001,
};

export class AirlockError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly expose: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  readonly failureCause: FailureCause;
  /** Response headers the failure calls for (`Allow` on 405/501). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown>; headers?: Record<string, string> } = {}) {
    super(message, { cause: options.cause });
    this.name = "AirlockError";
    this.code = code;
    this.status = statusOf[code];
    this.failureCause = causeOf(code, this.status);
    // A 501 names the client's unknown method, not a fault: its message may be shown.
    this.expose = this.status < 500 || code === "not_implemented";
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  /** WebSocket close code for this error (1008 policy violation when no specific one exists). */
  get wsClose(): number {
    return wsCloseOf[this.code] ?? (this.status >= 500 ? 1011 : 1008);
  }
}

/** What a thrown value says, for a log line or an error message: an Error's message, a thrown string, or only its type. */
export function thrownMessage(thrown: unknown): string {
  if (thrown instanceof Error) return thrown.message;
  if (typeof thrown === "string") return thrown;
  return `a thrown ${typeof thrown}`;
}

/** Turns anything thrown into an AirlockError; unknown errors become `internal` with the original as cause. */
export function asAirlockError(err: unknown): AirlockError {
  if (err instanceof AirlockError) return err;
  const status = (err as { status?: unknown } | null)?.status;
  if (typeof status === "number" && status === 413) return new AirlockError("payload_too_large", "request body too large", { cause: err });
  if (typeof status === "number" && status === 415) return new AirlockError("unsupported_media_type", "unsupported content type", { cause: err });
  if (typeof status === "number" && status >= 400 && status < 500) {
    return new AirlockError("invalid_body", "request body could not be parsed", { cause: err });
  }
  return new AirlockError("internal", "internal error", { cause: err });
}
