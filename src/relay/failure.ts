import type { ProtocolErrorCode } from "../protocol/error-codes.js";

/** Why the relay refused one message; becomes an `error` frame, never a crash. */
export interface Failure {
  readonly code: ProtocolErrorCode;
  readonly message: string;
  /** For a refused control event: the node it named (the agent's replica rolls back there). */
  readonly node?: number;
}

export const fail = (code: ProtocolErrorCode, message: string): Failure => ({ code, message });
