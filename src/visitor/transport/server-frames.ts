import type { ServerToVisitor } from "../../protocol/server-messages.js";

// Frames from the relay are produced by Airlock, yet the script still reads them defensively:
// anything that is not a JSON object with a known kind is ignored.

const kinds: ReadonlySet<string> = new Set(["welcome", "state", "error", "consent-request", "control", "highlight", "snapshot-request"]);

export type ServerFrame = ServerToVisitor;

export function readServerFrame(data: unknown): ServerFrame | undefined {
  if (typeof data !== "string") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === "string" && kinds.has(kind) ? (value as ServerFrame) : undefined;
}
