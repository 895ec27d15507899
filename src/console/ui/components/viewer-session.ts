import { CobrowseViewer } from "../../viewer/cobrowse-viewer.js";
import { openAgentSocket } from "../../viewer/agent-socket.js";
import { REPLAY_FRAME_PATH } from "../../viewer/replay-frame-path.js";
import { NORMAL_CLOSE } from "../../../protocol/error-codes.js";
import type { ServerToAgent } from "../../../protocol/server-messages.js";
import { connectAgentSocket } from "../agent-socket.js";

// One co-browse viewer joined to one session over /ws/agent: the viewer's own page and the viewer
// docked in the inbox open it the same way. Its buttons are what the server allows this agent there.

export interface ViewerSession {
  readonly view: CobrowseViewer;
  /** Resolves once the socket is open (rejects with the reason it could not open). */
  readonly opened: Promise<void>;
}

export function openViewerSession(cobrowseSession: string, signal: AbortSignal, onMessage?: (msg: ServerToAgent) => void): ViewerSession {
  let send: (msg: Parameters<ConstructorParameters<typeof CobrowseViewer>[0]["send"]>[0]) => void = () => undefined;
  const view = new CobrowseViewer({ frameSrc: REPLAY_FRAME_PATH, send: (m) => send(m) });
  const opened = openAgentSocket({
    room: cobrowseSession,
    mode: "view",
    connect: connectAgentSocket,
    onMessage: (m) => {
      view.handle(m);
      onMessage?.(m);
    },
    // A lost connection reconnects while the session keeps the seat (policy agentInactivity).
    reconnectForMs: () => view.awayLimitMs,
    onLost: (msLeft) => view.connectionLost(msLeft),
    onClose: (code) => {
      // The server closes with 1000 after telling why the session ended; anything else was lost.
      if (code !== NORMAL_CLOSE) view.connectionLost();
      else view.handle({ kind: "state", state: "ended", mode: "view", agents: 0, watching: false });
    },
    signal,
  }).then((s) => void (send = s));
  return { view, opened };
}
