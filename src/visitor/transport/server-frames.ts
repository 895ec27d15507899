import { readKnownFrame } from "../../protocol/known-frame.js";
import type { ServerToVisitor } from "../../protocol/server-messages.js";

const kinds: ReadonlySet<string> = new Set(["welcome", "state", "error", "consent-request", "control", "highlight", "snapshot-request", "ending", "consent-cancel", "laser", "outline", "draw", "clear-guides"]);

export type ServerFrame = ServerToVisitor;

/** A co-browse frame from the relay, read defensively: only JSON objects of a known kind pass. */
export function readServerFrame(data: unknown): ServerFrame | undefined {
  return readKnownFrame<ServerFrame>(data, kinds);
}
