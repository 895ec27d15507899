import type { AgentMessage } from "../../protocol/agent-messages.js";
import type { CobrowseMode } from "../../protocol/fields.js";
import { readKnownFrame } from "../../protocol/known-frame.js";
import type { ServerToAgent } from "../../protocol/server-messages.js";
import { SUPPORTED_VERSIONS } from "../../protocol/version.js";

// The agent's co-browse connection on /ws/agent: `join` for one room once open, `leave` when the
// page is left. Frames are parsed defensively (the viewer ignores unknown kinds).

const kinds: ReadonlySet<string> = new Set([
  "welcome", "state", "error", "consent", "snapshot", "mutations", "scroll", "viewport", "pointer", "focus", "input", "navigation",
  "control-refused", "canvas", "away", "ending",
]);

export interface AgentSocketOptions {
  readonly room: string;
  readonly mode: CobrowseMode;
  /** Opens a ticketed /ws/agent socket (the console's connectAgentSocket); this module closes it. */
  readonly connect: () => Promise<WebSocket>;
  readonly onMessage: (msg: ServerToAgent) => void;
  readonly onClose: (code: number, reason: string) => void;
  readonly signal: AbortSignal;
}

export async function openAgentSocket(o: AgentSocketOptions): Promise<(msg: AgentMessage) => void> {
  const ws = await o.connect();
  const send = (msg: AgentMessage) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  };
  ws.addEventListener("open", () => send({ kind: "join", versions: [...SUPPORTED_VERSIONS], room: o.room, mode: o.mode }));
  ws.addEventListener("message", (e) => {
    const msg = readKnownFrame<ServerToAgent>(e.data, kinds);
    if (msg) o.onMessage(msg);
  });
  ws.addEventListener("close", (e) => o.onClose(e.code, e.reason));
  const leave = () => {
    send({ kind: "leave" });
    ws.close(1000, "left");
  };
  if (o.signal.aborted) leave();
  o.signal.addEventListener("abort", leave, { once: true });
  return send;
}
