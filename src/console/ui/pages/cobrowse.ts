import { CobrowseViewer } from "../../viewer/cobrowse-viewer.js";
import { openAgentSocket } from "../../viewer/agent-socket.js";
import { REPLAY_FRAME_PATH } from "../../viewer/replay-frame-path.js";
import { connectAgentSocket } from "../agent-socket.js";
import { statusRegion } from "../components/notice.js";
import { pageHeader } from "../components/page-header.js";
import { h } from "../dom.js";
import { definePage } from "./page.js";

/** The co-browse viewer for one room; its buttons are what the server allows this agent there. */
export const cobrowsePage = definePage({
  path: "/console/cobrowse/:room",
  title: "Co-browse",
  access: { action: "cobrowse:view" },
  render: ({ params, signal }) => {
    const status = statusRegion();
    const room = params.room ?? "";
    let send: (msg: Parameters<ConstructorParameters<typeof CobrowseViewer>[0]["send"]>[0]) => void = () => undefined;
    // Buttons come from the server's decision for this agent in this session (state `actions`).
    const view = new CobrowseViewer({ frameSrc: REPLAY_FRAME_PATH, send: (m) => send(m) });
    openAgentSocket({
      room,
      mode: "view",
      connect: connectAgentSocket,
      onMessage: (m) => view.handle(m),
      // A lost connection reconnects while the room keeps the seat (policy agentInactivity).
      reconnectForMs: () => view.awayLimitMs,
      onLost: (msLeft) => view.connectionLost(msLeft),
      onClose: (code) => {
        // The server closes with 1000 after telling why the session ended; anything else was lost.
        if (code !== 1000) view.connectionLost();
        else view.handle({ kind: "state", state: "ended", mode: "view", agents: 0, watching: false });
      },
      signal,
    })
      .then((s) => (send = s))
      .catch((err: unknown) => status.error(err));
    return h("section", { class: "cobrowse-page" }, pageHeader("Co-browse"), status.el, view.element);
  },
});
