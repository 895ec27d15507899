// WebSocket close codes of /ws/visitor and /ws/agent. 4000-4999 are application codes whose low
// digits mirror the HTTP status (as AirlockError.wsClose does); clients switch on them.
export const CLOSE = {
  /** Session over, or the client said goodbye. */
  normal: 1000,
  /** Airlock is shutting down (graceful shutdown): reconnect to another replica. */
  goingAway: 1001,
  /** Frame larger than the transport accepts at all (ws maxPayload). */
  tooBig: 1009,
  /** The first frame was not a valid opening (`hello`, `resume`), or the version is unsupported. */
  badOpening: 4400,
  /** Ticket or resume token missing, expired or used; or the agent's login session ended. */
  unauthenticated: 4401,
  /** Origin, site key or policy refused the connection. */
  forbidden: 4403,
  /** No opening frame in time. */
  openingTimeout: 4408,
  /** The connection kept flooding after being told `rate_limited`. */
  rateLimited: 4429,
} as const;

/** Close reasons are at most 123 bytes on the wire; ours are short ASCII codes and phrases. */
export function closeReason(text: string): string {
  return text.slice(0, 120);
}
