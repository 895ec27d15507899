// Test page script: the chat widget on a host page, over a connection to Airlock's real
// /ws/visitor (hello with the site key, resume after a drop). It stands in for the visitor
// script's shared connection, which hands the widget the same VisitorChannel.
import type { ChatServerFrame } from "../../../src/protocol/chat-frames.js";
import { uiHost } from "../../../src/visitor/ui/host.js";
import { mountChatWidget, readChatFrame, type VisitorChannel } from "../../../src/visitor/widget/index.js";

const script = document.currentScript as HTMLScriptElement;
const airlock = new URL(script.dataset.airlock ?? "");
const siteKey = script.dataset.siteKey ?? "";
const frameListeners: ((f: ChatServerFrame) => void)[] = [];
const openListeners: (() => void)[] = [];
const closeListeners: ((reason: string) => void)[] = [];
let ws: WebSocket | undefined;
let ready = false;
let resumeToken = sessionStorage.getItem("test-resume") ?? "";

function connect(): void {
  const socket = new WebSocket(`ws://${airlock.host}/ws/visitor`);
  ws = socket;
  socket.addEventListener("open", () => {
    const base = { versions: [1], url: location.href, viewport: { width: innerWidth, height: innerHeight } };
    socket.send(JSON.stringify(resumeToken ? { kind: "resume", resumeToken, ...base } : { kind: "hello", siteKey, ...base }));
  });
  socket.addEventListener("message", (e) => {
    const value = JSON.parse(String(e.data)) as { kind?: string; resumeToken?: string };
    if (value.kind === "welcome") {
      resumeToken = value.resumeToken ?? "";
      sessionStorage.setItem("test-resume", resumeToken);
      ready = true;
      for (const l of openListeners) l();
      return;
    }
    const frame = readChatFrame(e.data);
    if (frame) for (const l of frameListeners) l(frame);
  });
  socket.addEventListener("close", (e) => {
    ready = false;
    for (const l of closeListeners) l(e.reason);
    if (ws === socket) setTimeout(connect, 300);
  });
}

const channel: VisitorChannel = {
  send: (frame) => {
    if (!ready || ws?.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(frame));
    return true;
  },
  onFrame: (l) => void frameListeners.push(l),
  onOpen: (l) => void openListeners.push(l),
  onClose: (l) => void closeListeners.push(l),
};

mountChatWidget({ ui: () => uiHost(script.dataset.lang ?? null) }, channel);
connect();
// Lets the test cut the connection the way a network failure would.
(globalThis as { __dropAirlock?: () => void }).__dropAirlock = () => ws?.close();
