import type { ProtocolErrorCode } from "../../protocol/error-codes.js";
import { errorFrame } from "../../protocol/error-frame.js";
import type { Peer } from "../../relay/peer.js";
import { CLOSE } from "./close-codes.js";

/** Sends an `error` frame; `ref` is the refused frame's seq when it has one, else its kind. */
export function sendError(peer: Peer, failure: { code: ProtocolErrorCode; message: string }, ref: string | number | undefined): void {
  peer.send(JSON.stringify(errorFrame({ code: failure.code, message: failure.message }, ref)));
}

/** The refused frame's `seq` (snapshots, mutations) or its kind, for the error's `ref`. */
export function refOf(message: { kind: string; seq?: number }): string | number {
  return message.seq ?? message.kind;
}

/** Close code for an opening (`hello`, `resume`, `join` version) the relay refused. */
export function openingCloseCode(code: ProtocolErrorCode): number {
  switch (code) {
    case "session_ended":
      return CLOSE.unauthenticated;
    case "origin_not_allowed":
    case "not_allowed":
      return CLOSE.forbidden;
    default:
      return CLOSE.badOpening;
  }
}
