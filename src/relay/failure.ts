import type { ErrorCode } from "../protocol/error-codes.js";
import { errorFrame } from "../protocol/error-frame.js";
import type { Peer } from "./peer.js";

/** Why the relay refused one message; becomes an `error` frame, never a crash. */
export interface Failure {
  readonly code: ErrorCode;
  readonly message: string;
  /** For a refused control event: the node it named (the agent's replica rolls back there). */
  readonly node?: number;
  /** The check of the message table that refused (for logs and tests; never sent). */
  readonly check?: string;
}

export const fail = (code: ErrorCode, message: string): Failure => ({ code, message });

/** Sends a refusal's `error` frame: the one way a refusal reaches a client. */
export function sendFailure(peer: Peer, failure: Failure, ref: string | number | undefined): void {
  peer.send(JSON.stringify(errorFrame(failure, ref)));
}
