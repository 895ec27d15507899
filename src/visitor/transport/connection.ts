import { closeCodeOf, NORMAL_CLOSE } from "../../protocol/error-codes.js";
import { SUPPORTED_VERSIONS } from "../../protocol/version.js";
import type { VisitorMessage } from "../../protocol/visitor-messages.js";
import { guard } from "../safe.js";
import { readServerFrame, type ServerFrame } from "./server-frames.js";

// The visitor's WebSocket to the relay: opens with `hello` (or `resume` after a navigation),
// reconnects with backoff when the connection drops, and stops for good once the session ends
// or the relay refuses the script (bad site key, origin not registered).

export interface ConnectionOptions {
  /** ws(s)://airlock.example/ws/visitor */
  readonly url: string;
  readonly siteKey: string;
  /** Resume token from the previous page, if any. */
  resumeToken?: string | undefined;
  readonly onMessage: (msg: ServerFrame) => void;
  /** Any other frame (chat, presence), raw: the features' channel reads it. */
  readonly onOtherFrame?: (data: unknown) => void;
  readonly onOpen?: () => void;
  /** With the server's close reason (a stable code such as `too_many_visits`), empty when there was none. */
  readonly onClose?: (reason: string) => void;
}

/** Close codes after which retrying cannot help. */
const finalCloseCodes: ReadonlySet<number> = new Set([closeCodeOf("bad_request"), closeCodeOf("session_ended"), closeCodeOf("forbidden")]);

export class Connection {
  #ws: WebSocket | undefined;
  #attempt = 0;
  #stopped = false;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly options: ConnectionOptions) {}

  get open(): boolean {
    return this.#ws?.readyState === WebSocket.OPEN;
  }

  connect(): void {
    if (this.#stopped) return;
    const ws = new WebSocket(this.options.url);
    this.#ws = ws;
    ws.addEventListener("open", guard(() => {
      this.#attempt = 0;
      this.sendRaw(this.opening());
      this.options.onOpen?.();
    }));
    ws.addEventListener("message", guard((e: MessageEvent) => {
      const msg = readServerFrame(e.data);
      if (msg) this.options.onMessage(msg);
      else this.options.onOtherFrame?.(e.data);
    }));
    ws.addEventListener("close", guard((e: CloseEvent) => {
      if (this.#ws !== ws) return;
      this.#ws = undefined;
      this.options.onClose?.(typeof e.reason === "string" ? e.reason.slice(0, 64) : "");
      if (finalCloseCodes.has(e.code)) this.#stopped = true;
      this.retry();
    }));
  }

  /** After a welcome, a reconnect resumes the same session with the newest token. */
  setResumeToken(token: string | undefined): void {
    this.options.resumeToken = token;
  }

  send(msg: VisitorMessage): boolean {
    return this.sendRaw(msg);
  }

  /** A feature's frame (chat, presence) on the same socket; the server checks it by its kind. */
  sendFeature(frame: object): boolean {
    return this.sendRaw(frame);
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const ws = this.#ws;
    this.#ws = undefined;
    ws?.close(NORMAL_CLOSE, "done");
  }

  private opening(): VisitorMessage {
    const base = { versions: [...SUPPORTED_VERSIONS], url: location.href, viewport: { width: innerWidth, height: innerHeight } };
    const token = this.options.resumeToken;
    return token ? { kind: "resume", resumeToken: token, ...base } : { kind: "hello", siteKey: this.options.siteKey, ...base };
  }

  private sendRaw(msg: object): boolean {
    const ws = this.#ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return false;
    ws.send(JSON.stringify(msg));
    return true;
  }

  private retry(): void {
    if (this.#stopped) return;
    const delay = Math.min(30_000, 500 * 2 ** this.#attempt++) * (0.75 + Math.random() * 0.5);
    this.#timer = setTimeout(guard(() => this.connect()), delay);
  }
}
