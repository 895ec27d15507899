import { once } from "node:events";
import { WebSocket } from "ws";
import type { TestServer } from "../helpers/server.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { frameText } from "../../src/http/ws/frame-text.js";

// A protocol-speaking test client for /ws/visitor and /ws/agent over a real socket: it records
// every frame, waits for frames by kind, and reports how the server closed the connection.

export type Frame = Record<string, unknown> & { kind: string };

export class WsClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  #waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  #seen = 0;

  constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = JSON.parse(frameText(data)) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => {
        if (!w.match(frame)) return true;
        w.resolve(frame);
        return false;
      });
    });
    ws.on("error", () => undefined);
    this.closed = once(ws, "close").then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
  }

  static async open(url: string, origin: string | undefined): Promise<WsClient> {
    const ws = new WebSocket(url, origin ? { origin } : {});
    const client = new WsClient(ws);
    await Promise.race([once(ws, "open"), client.closed]);
    return client;
  }

  send(message: unknown): void {
    this.ws.send(typeof message === "string" ? message : JSON.stringify(message));
  }

  /** The next frame (after those already consumed by `next`) matching kind and predicate. */
  next(kind: string, match: (f: Frame) => boolean = () => true, timeoutMs = 5_000): Promise<Frame> {
    const test = (f: Frame) => f.kind === kind && match(f);
    const i = this.frames.findIndex((f, idx) => idx >= this.#seen && test(f));
    if (i >= 0) {
      this.#seen = i + 1;
      return Promise.resolve(this.frames[i] as Frame);
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${kind} frame within ${timeoutMs} ms; got ${this.frames.map((f) => f.kind).join(",")}`)), timeoutMs);
      this.#waiters.push({
        match: test,
        resolve: (f) => {
          clearTimeout(timer);
          this.#seen = this.frames.length;
          resolve(f);
        },
      });
    });
  }

  /** Every error frame received so far. */
  errors(): Frame[] {
    return this.frames.filter((f) => f.kind === "error");
  }

  close(): void {
    this.ws.close(1000, "done");
  }
}

export function wsUrl(server: TestServer, path: string): string {
  return server.url.replace(/^http/, "ws") + path;
}

/** The demo site of the shipped policies/sites.yaml. */
export const DEMO_ORIGIN = "http://127.0.0.1:8080";
export const DEMO_SITE_KEY = "demo-site-key-0001";

export async function openVisitor(server: TestServer, options: { origin?: string; siteKey?: string; url?: string } = {}): Promise<{ client: WsClient; welcome: Frame }> {
  const origin = options.origin ?? DEMO_ORIGIN;
  const client = await WsClient.open(wsUrl(server, "/ws/visitor"), origin);
  client.send({ kind: "hello", versions: [1], siteKey: options.siteKey ?? DEMO_SITE_KEY, url: options.url ?? `${origin}/demo`, viewport: { width: 1200, height: 800 } });
  const welcome = await client.next("welcome");
  return { client, welcome };
}

export async function ticketFor(agent: HttpAgent, server: TestServer): Promise<string> {
  const r = await agent.json(`${server.url}/api/v1/ws-ticket`, "POST", {});
  if (r.status !== 200) throw new Error(`ws-ticket answered ${r.status}`);
  return String(r.body.ticket);
}

export async function openAgent(server: TestServer, agent: HttpAgent, ticket?: string): Promise<WsClient> {
  const t = ticket ?? (await ticketFor(agent, server));
  return WsClient.open(wsUrl(server, `/ws/agent?ticket=${encodeURIComponent(t)}`), new URL(server.url).origin);
}

/** Agent joins, visitor grants view: both sides are then in an active session. */
export async function startSession(visitor: WsClient, agentSocket: WsClient, session: string): Promise<void> {
  agentSocket.send({ kind: "join", versions: [1], room: session, mode: "view" });
  await agentSocket.next("welcome");
  const ask = await visitor.next("consent-request");
  visitor.send({ kind: "consent", request: ask.request, answer: "granted", mode: "view" });
  await agentSocket.next("consent");
}

/** A clock the test moves by hand, for the sessions' inactivity and visitor-grace timers. */
export class ManualClock {
  t = 0;
  #timers: { at: number; fn: () => void }[] = [];
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): unknown => {
    const timer = { at: this.t + ms, fn };
    this.#timers.push(timer);
    return timer;
  };
  clearTimeout = (handle: unknown): void => {
    this.#timers = this.#timers.filter((t) => t !== handle);
  };
  /** Timers waiting to fire (tests poll it to know the server scheduled one). */
  get pending(): number {
    return this.#timers.length;
  }
  advance(ms: number): void {
    this.t += ms;
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= this.t);
      if (due.length === 0) return;
      this.#timers = this.#timers.filter((t) => !due.includes(t));
      for (const d of due) d.fn();
    }
  }
}
