import type { AgentMessage } from "../../protocol/agent-messages.js";
import type { CobrowseMode } from "../../protocol/fields.js";
import type { ServerToAgent } from "../../protocol/server-messages.js";
import { SUPPORTED_VERSIONS } from "../../protocol/version.js";

// The agent's connection to /ws/agent: a single-use ticket from POST /api/v1/ws-ticket, then
// `join` for one room. Frames are parsed defensively (the viewer ignores unknown kinds).

const kinds: ReadonlySet<string> = new Set([
  "welcome", "state", "error", "consent", "snapshot", "mutations", "scroll", "viewport", "pointer", "focus", "input", "navigation",
  "control-refused", "canvas",
]);

export interface AgentSocketOptions {
  readonly room: string;
  readonly mode: CobrowseMode;
  /** Fetches a fresh ticket (the console's API client). */
  readonly ticket: () => Promise<string>;
  readonly onMessage: (msg: ServerToAgent) => void;
  readonly onClose: (code: number, reason: string) => void;
  readonly signal: AbortSignal;
}

export async function openAgentSocket(o: AgentSocketOptions): Promise<(msg: AgentMessage) => void> {
  const ticket = await o.ticket();
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${scheme}//${location.host}/ws/agent?ticket=${encodeURIComponent(ticket)}`);
  const send = (msg: AgentMessage) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  };
  ws.addEventListener("open", () => send({ kind: "join", versions: [...SUPPORTED_VERSIONS], room: o.room, mode: o.mode }));
  ws.addEventListener("message", (e) => {
    if (typeof e.data !== "string") return;
    let value: unknown;
    try {
      value = JSON.parse(e.data);
    } catch {
      return;
    }
    const kind = (value as { kind?: unknown } | null)?.kind;
    if (typeof kind === "string" && kinds.has(kind)) o.onMessage(value as ServerToAgent);
  });
  ws.addEventListener("close", (e) => o.onClose(e.code, e.reason));
  o.signal.addEventListener("abort", () => {
    send({ kind: "leave" });
    ws.close(1000, "left");
  });
  return send;
}
