import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { rmSync } from "node:fs";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled } from "../auth/helpers/login.js";
import { demoSitesYaml } from "../e2e/demo-airlock.js";
import { startFrontDoor, type FrontDoor } from "../../src/bench/front-door.js";
import { startServerProcesses, type ServerProcesses } from "../helpers/server-processes.js";
import { policyDir } from "../policy/policy-dir.js";
import { WsClient, type Frame } from "../relay/ws-client.js";

// Three `airlock serve` processes behind two load balancers without sticky sessions: visitors
// come in through one (first choice P1, then P3, then P2), agents through the other (P2, P3, P1),
// so a visitor's session is owned by another server process than its agent's socket. The bank's
// own site is a small page on its own origin that embeds the script from the visitors' door and
// changes its text ten times a second (a mutation stream).

export const SITE_KEY = "demo-site-key-0001";

export interface Cluster {
  readonly processes: ServerProcesses;
  readonly visitorDoor: FrontDoor;
  readonly agentDoor: FrontDoor;
  /** The bank's page (on the registered site origin). */
  readonly pageUrl: string;
  readonly agent: HttpAgent;
  stop(): Promise<void>;
}

function sitePage(scriptOrigin: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Account overview</title></head><body>
<h1>Account overview</h1><p id="ticker">tick 0</p>
<script src="/ticker.js"></script>
<script src="${scriptOrigin}/siteconnect.js" data-site-key="${SITE_KEY}"></script>
</body></html>`;
}

const tickerScript = `let n = 0; setInterval(() => { n++; document.getElementById("ticker").textContent = "tick " + n; }, 100);`;

export async function startCluster(): Promise<Cluster> {
  const visitorDoor = await startFrontDoor([]);
  const agentDoor = await startFrontDoor([]);
  let doorUrl = "";
  const site: Server = createServer((req, res) => {
    if (req.url === "/ticker.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(tickerScript);
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(sitePage(doorUrl));
  });
  await new Promise<void>((resolve) => site.listen(0, "127.0.0.1", resolve));
  const siteOrigin = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
  doorUrl = visitorDoor.url;
  const dir = policyDir({ "sites.yaml": demoSitesYaml(siteOrigin) });
  // Every server process serves the console at the agents' door, as behind one host name.
  const processes = await startServerProcesses(3, { AIRLOCK_POLICY_DIR: dir, AIRLOCK_PUBLIC_URL: agentDoor.url });
  const [p1, p2, p3] = processes.servers.map((s) => s.port) as [number, number, number];
  visitorDoor.order = [p1, p3, p2];
  agentDoor.order = [p2, p3, p1];
  const { agent } = await signInEnrolled({ url: agentDoor.url });
  return {
    processes,
    visitorDoor,
    agentDoor,
    pageUrl: `${siteOrigin}/account`,
    agent,
    async stop() {
      await visitorDoor.close();
      await agentDoor.close();
      await new Promise<void>((resolve) => site.close(() => resolve()));
      await processes.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls until `fn` returns a value (bounded). */
export async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * An agent's viewer as the console runs it: joins a session through the agents' door and, when
 * its connection is lost (not closed on purpose), connects again and joins again by itself.
 */
export class FollowingAgent {
  /** Every frame from every connection, in order. */
  readonly frames: Frame[] = [];
  #socket: WsClient | undefined;
  #stopped = false;

  constructor(
    private readonly cluster: Cluster,
    readonly room: string,
  ) {}

  async connect(): Promise<void> {
    for (let attempt = 0; attempt < 60 && !this.#stopped; attempt++) {
      try {
        const ticket = await this.cluster.agent.json(`${this.cluster.agentDoor.url}/api/v1/ws-ticket`, "POST", {});
        if (ticket.status !== 200) throw new Error(`ticket ${ticket.status}`);
        const socket = await WsClient.open(`${this.cluster.agentDoor.url.replace(/^http/, "ws")}/ws/agent?ticket=${encodeURIComponent(String(ticket.body.ticket))}`, this.cluster.agentDoor.url);
        if (socket.ws.readyState !== socket.ws.OPEN) throw new Error("not open");
        this.#socket = socket;
        let joinRetries = 0;
        socket.ws.on("message", () => {
          const fresh = socket.frames.splice(0);
          this.frames.push(...fresh);
          // A server process that has not heard of the session yet refuses the join: ask again.
          if (fresh.some((f) => f.kind === "error" && f.ref === "join") && joinRetries++ < 50) setTimeout(() => this.#join(socket), 200);
        });
        void socket.closed.then(({ code }) => {
          if (this.#socket !== socket || this.#stopped || code === 1000) return;
          void this.connect();
        });
        this.#join(socket);
        return;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  #join(socket: WsClient): void {
    if (this.#socket === socket && !this.#stopped) socket.send({ kind: "join", versions: [1, 2], room: this.room, mode: "view" });
  }

  /** Frames of `kind` received after frame number `from`. */
  after(from: number, kind: string): Frame[] {
    return this.frames.slice(from).filter((f) => f.kind === kind);
  }

  send(message: unknown): void {
    this.#socket?.send(message);
  }

  close(): void {
    this.#stopped = true;
    this.#socket?.close();
  }
}
