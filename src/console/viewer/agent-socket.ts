import type { AgentMessage } from "../../protocol/agent-messages.js";
import type { CobrowseMode } from "../../protocol/fields.js";
import { NORMAL_CLOSE } from "../../protocol/error-codes.js";
import { readKnownFrame } from "../../protocol/known-frame.js";
import type { ServerToAgent } from "../../protocol/server-messages.js";
import { SUPPORTED_VERSIONS } from "../../protocol/version.js";

// The agent's co-browse connection on /ws/agent: `join` for one session once open, `leave` when the
// page is left. Frames are parsed defensively (the viewer ignores unknown kinds). A connection
// that is lost (not closed on purpose by either side) is opened again and joins again: the session
// keeps a lost agent's seat for the policy's away limit, so a network blip costs nothing.

const kinds: ReadonlySet<string> = new Set([
  "welcome", "state", "error", "consent", "snapshot", "mutations", "scroll", "viewport", "pointer", "focus", "hover", "input", "navigation",
  "control-refused", "canvas", "away", "ending", "moved", "guides-cleared",
]);

/** Waits between reconnection attempts (the last one repeats). */
const RETRY_AFTER_MS = [500, 1000, 2000, 4000, 8000];
/**
 * Joins sent again while the server says the session is moving (its server process stopped and
 * another has not taken it over yet). The shared visit record expires a minute after its owner's
 * last renewal, after which the answer is `session_ended`; this bounds the retries besides.
 */
const MOVING_JOINS = 20;

export interface AgentSocketOptions {
  readonly room: string;
  readonly mode: CobrowseMode;
  /** Opens a ticketed /ws/agent socket (the console's connectAgentSocket); this module closes it. */
  readonly connect: () => Promise<WebSocket>;
  readonly onMessage: (msg: ServerToAgent) => void;
  /** The connection is over for good (closed on purpose, refused, or not restored in time). */
  readonly onClose: (code: number, reason: string) => void;
  /** The connection was lost; reconnection runs for `msLeft` more (the seat waits that long). */
  readonly onLost?: (msLeft: number) => void;
  /** How long the session keeps a lost agent's seat (from its welcome); no reconnection when unknown. */
  readonly reconnectForMs?: () => number | undefined;
  readonly signal: AbortSignal;
}

export async function openAgentSocket(o: AgentSocketOptions): Promise<(msg: AgentMessage) => void> {
  let current: WebSocket | undefined;
  let lostAt: number | undefined;
  let attempt = 0;
  let movingJoins = 0;
  const join = () => send({ kind: "join", versions: [...SUPPORTED_VERSIONS], room: o.room, mode: o.mode });
  const send = (msg: AgentMessage) => {
    if (current?.readyState === WebSocket.OPEN) current.send(JSON.stringify(msg));
  };

  const giveUpAt = (): number | undefined => {
    const limit = o.reconnectForMs?.();
    return lostAt === undefined || limit === undefined ? undefined : lostAt + limit;
  };

  const retry = () => {
    const until = giveUpAt();
    if (o.signal.aborted || until === undefined) return;
    if (Date.now() >= until) return o.onClose(1006, "not restored in time");
    const wait = RETRY_AFTER_MS[Math.min(attempt++, RETRY_AFTER_MS.length - 1)] ?? 8000;
    setTimeout(() => {
      if (o.signal.aborted) return;
      o.connect().then(attach, retry);
    }, Math.min(wait, Math.max(0, until - Date.now())));
  };

  const attach = (ws: WebSocket) => {
    current = ws;
    if (o.signal.aborted) return ws.close(NORMAL_CLOSE, "left");
    ws.addEventListener("open", () => {
      lostAt = undefined;
      attempt = 0;
      join();
    });
    ws.addEventListener("message", (e) => {
      const msg = readKnownFrame<ServerToAgent>(e.data, kinds);
      if (!msg) return;
      if (msg.kind === "welcome") movingJoins = 0;
      // The session is moving to another server process: join again after a growing wait (the
      // viewer shows the refusal's sentence, "Reconnecting to the visitor's page…", meanwhile).
      if (msg.kind === "error" && msg.ref === "join" && msg.code === "session_moving" && movingJoins < MOVING_JOINS) {
        const wait = RETRY_AFTER_MS[Math.min(movingJoins++, RETRY_AFTER_MS.length - 1)] ?? 8000;
        setTimeout(() => {
          if (current === ws && !o.signal.aborted) join();
        }, wait);
      }
      o.onMessage(msg);
    });
    ws.addEventListener("close", (e) => {
      if (current !== ws || o.signal.aborted) return;
      // 1000: the session is over (or we left); 4000+: the server refused this connection.
      const lost = e.code !== NORMAL_CLOSE && e.code < 4000 && o.reconnectForMs?.() !== undefined;
      if (!lost) return o.onClose(e.code, e.reason);
      const first = lostAt === undefined;
      lostAt ??= Date.now();
      const until = giveUpAt() ?? lostAt;
      if (first) o.onLost?.(Math.max(0, until - Date.now()));
      retry();
    });
  };

  attach(await o.connect());
  const leave = () => {
    send({ kind: "leave" });
    current?.close(NORMAL_CLOSE, "left");
  };
  if (o.signal.aborted) leave();
  o.signal.addEventListener("abort", leave, { once: true });
  return send;
}
