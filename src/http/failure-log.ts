import type { AirlockError, FailureCause } from "../errors.js";
import type { Logger } from "../ops/log.js";

/** Lines per failure code and window before further ones are only counted. */
export interface FailureLogLimits {
  readonly linesPerWindow: number;
  readonly windowMs: number;
}

export const DEFAULT_FAILURE_LOG_LIMITS: FailureLogLimits = { linesPerWindow: 10, windowMs: 60_000 };

/** Where a failure happened; only fixed, content-free facts. */
export interface FailureContext {
  readonly requestId?: string;
  readonly route?: string;
  readonly status?: number;
}

interface Window {
  startedAt: number;
  logged: number;
  suppressed: number;
}

/**
 * Where failures become log lines, for HTTP requests, the HTTP parser and WebSocket upgrades
 * alike. Expected failures (client- or upstream-caused: anyone can trigger them) log at info or
 * warn with their code only, and at most `linesPerWindow` lines per code and window; the next line
 * of that code says how many were left out. Faults log at error with type and stack, unlimited:
 * they are Airlock's own bugs and must never be hidden. No message or request content is logged
 * (library messages can echo input).
 */
export class FailureLog {
  readonly #log: Logger;
  readonly #limits: FailureLogLimits;
  readonly #now: () => number;
  readonly #windows = new Map<string, Window>();

  constructor(log: Logger, limits: FailureLogLimits = DEFAULT_FAILURE_LOG_LIMITS, now: () => number = Date.now) {
    this.#log = log;
    this.#limits = limits;
    this.#now = now;
  }

  /** One failure of a request or upgrade, with where it happened (no request content). */
  failure(err: AirlockError, thrown: unknown, at: FailureContext): void {
    const log = this.#log;
    if (err.failureCause === "fault") {
      log.error({ requestId: at.requestId, route: at.route, status: err.status, code: err.code, err: describeCause(thrown) }, "request failed");
      return;
    }
    this.expected(err.failureCause, err.code, { ...at, status: err.status });
  }

  /** An expected failure known only by a code (HTTP parser errors, refused connections). */
  expected(cause: Exclude<FailureCause, "fault">, code: string, at: FailureContext): void {
    const suppressed = this.#admit(code);
    if (suppressed === undefined) return;
    const log = this.#log;
    const left = suppressed > 0 ? suppressed : undefined;
    if (cause === "client") log.info({ requestId: at.requestId, route: at.route, status: at.status, code, cause, suppressed: left }, "request refused");
    else log.warn({ requestId: at.requestId, route: at.route, status: at.status, code, cause, suppressed: left }, cause === "upstream" ? "upstream failed" : "service unavailable");
  }

  /** Undefined when the line is suppressed; else how many of this code were suppressed before it. */
  #admit(code: string): number | undefined {
    const now = this.#now();
    let window = this.#windows.get(code);
    if (!window || now - window.startedAt >= this.#limits.windowMs) {
      const carried = window?.suppressed ?? 0;
      window = { startedAt: now, logged: 0, suppressed: carried };
      this.#windows.set(code, window);
    }
    if (window.logged >= this.#limits.linesPerWindow) {
      window.suppressed++;
      return undefined;
    }
    window.logged++;
    const suppressed = window.suppressed;
    window.suppressed = 0;
    return suppressed;
  }
}

/** Error type and stack only: messages from libraries can echo input, which must not reach logs. */
export function describeCause(thrown: unknown): { type: string; stack?: string } {
  if (thrown instanceof Error) {
    const stack = thrown.stack?.split("\n").slice(1, 8).join("\n");
    return stack ? { type: thrown.name, stack } : { type: thrown.name };
  }
  return { type: typeof thrown };
}
