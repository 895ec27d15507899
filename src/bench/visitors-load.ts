import { WebSocket } from "ws";

// A load process of `bench visitors` (forked by visitors.ts; several share the visitors, so no
// process holds more sockets than its file limit allows). Each visitor opens /ws/visitor from
// the demo site's origin, says hello, waits for its welcome, reports its page and then stays
// idle. On request it sends one visitor's next page (a probe) and says when it did.

export interface LoadSettings {
  readonly port: number;
  readonly origin: string;
  readonly siteKey: string;
  readonly count: number;
  /** Index of this process's first visitor (for distinct page addresses). */
  readonly first: number;
  /** Sockets opening at once. */
  readonly concurrency: number;
}

const settings = JSON.parse(process.argv[2] ?? "{}") as LoadSettings;
process.on("disconnect", () => process.exit(0));
const absoluteNow = () => performance.timeOrigin + performance.now();
const sockets: WebSocket[] = [];

function page(path: string, title: string): string {
  return JSON.stringify({ kind: "presence", url: `${settings.origin}${path}`, title, referrer: "" });
}

function openVisitor(n: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${settings.port}/ws/visitor`, { origin: settings.origin, perMessageDeflate: false });
    const timer = setTimeout(() => (ws.terminate(), reject(new Error("no welcome within 30 s"))), 30_000);
    ws.once("error", (err) => (clearTimeout(timer), reject(err)));
    ws.once("open", () => ws.send(JSON.stringify({ kind: "hello", versions: [1], siteKey: settings.siteKey, url: `${settings.origin}/demo/${n}`, viewport: { width: 1280, height: 800 } })));
    ws.on("message", (data: Buffer) => {
      if (!data.toString("utf8").includes('"welcome"')) return;
      clearTimeout(timer);
      ws.removeAllListeners("message");
      ws.send(page(`/demo/${n % 7 === 0 ? "checkout" : "products"}/${n}`, `Page ${n}`));
      resolve(ws);
    });
  });
}

async function connectAll(): Promise<{ connected: number; failed: number; firstError?: string }> {
  let next = 0;
  let failed = 0;
  let firstError: string | undefined;
  const worker = async () => {
    while (next < settings.count) {
      const n = settings.first + next++;
      try {
        sockets.push(await openVisitor(n));
      } catch (err) {
        failed += 1;
        firstError ??= err instanceof Error ? err.message : String(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, settings.concurrency) }, worker));
  return { connected: sockets.length, failed, ...(firstError ? { firstError } : {}) };
}

process.on("message", (m: unknown) => {
  if (m === "connect") return void connectAll().then((r) => process.send?.({ connectedReport: r }));
  if (typeof m === "object" && m !== null && "probe" in m) {
    const { probe, index } = m as { probe: number; index: number };
    const ws = sockets[index % Math.max(1, sockets.length)];
    if (!ws) return;
    const at = absoluteNow();
    ws.send(page(`/demo/bench-probe/${probe}`, `Probe ${probe}`));
    process.send?.({ probeSent: probe, at });
  }
});
process.send?.({ ready: true });
