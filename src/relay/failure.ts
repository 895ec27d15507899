import type { ProtocolErrorCode } from "../protocol/error-codes.js";
import type { ErrorMessage } from "../protocol/server-messages.js";
import type { Peer } from "./peer.js";

/** Why the relay refused one message; becomes an `error` frame, never a crash. */
export interface Failure {
  readonly code: ProtocolErrorCode;
  readonly message: string;
  /** For a refused control event: the node it named (the agent's replica rolls back there). */
  readonly node?: number;
  /** The check of the message table that refused (for logs and tests; never sent). */
  readonly check?: string;
}

export const fail = (code: ProtocolErrorCode, message: string): Failure => ({ code, message });

/** The `error` frame of a refusal; `ref` is the refused frame's seq when it has one, else its kind. */
export function errorFrame(failure: Failure, ref: string | number | undefined): ErrorMessage {
  return { kind: "error", code: failure.code, message: failure.message, ...(ref === undefined ? {} : { ref }), ...(failure.node === undefined ? {} : { node: failure.node }) };
}

/** Sends a refusal's `error` frame: the one way a refusal reaches a client. */
export function sendFailure(peer: Peer, failure: Failure, ref: string | number | undefined): void {
  peer.send(JSON.stringify(errorFrame(failure, ref)));
}
