import { statusOf, type ErrorCode } from "./protocol/error-codes.js";

// Every failure that reaches a client over HTTP is an AirlockError with a stable `code`; the one
// error model (src/protocol/error-codes.ts) gives each code its HTTP status and WebSocket close
// code. `expose` says whether the message may be shown (never for 5xx). Responses are made in
// http/errors.ts, nowhere else.

export type { ErrorCode };

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
    this.status = statusOf(code);
    this.failureCause = causeOf(code, this.status);
    // A 501 names the client's unknown method, not a fault: its message may be shown.
    this.expose = this.status < 500 || code === "not_implemented";
    this.details = options.details;
    this.headers = options.headers ?? {};
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
