import type { ErrorCode } from "../../protocol/error-codes.js";
import { errorFrame } from "../../protocol/error-frame.js";
import type { Peer } from "../../relay/peer.js";

/** Sends an `error` frame; `ref` is the refused frame's seq when it has one, else its kind. */
export function sendError(peer: Peer, failure: { code: ErrorCode; message: string }, ref: string | number | undefined): void {
  peer.send(JSON.stringify(errorFrame({ code: failure.code, message: failure.message }, ref)));
}

/** The refused frame's `seq` (snapshots, mutations) or its kind, for the error's `ref`. */
export function refOf(message: { kind: string; seq?: number }): string | number {
  return message.seq ?? message.kind;
}
