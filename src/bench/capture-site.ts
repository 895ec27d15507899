import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocketServer } from "ws";
import { products } from "../demo/catalog.js";
import { accountPage, checkoutPage, guidePage, shopPage } from "../demo/pages.js";
import { productSvg } from "../demo/product-image.js";
import { shopCss } from "../demo/shop-css.js";
import { shopScript } from "../demo/shop-script.js";
import { closeCodeOf } from "../protocol/error-codes.js";

// The loopback website of `bench capture`: the demo shop's pages under
// `script-src 'self'; style-src 'self'`, embedding Airlock's visitor script, rrweb's recorder or
// nothing (whichever recorder the run is measuring), and the WebSocket endpoints the recorders
// send to. It counts the bytes each recorder sends. Airlock's endpoint is a scripted relay peer:
// it welcomes the script, asks once for consent and then says an agent is watching.

export type Recorder = "airlock" | "rrweb" | "none";

export interface CaptureSiteFiles {
  /** Built Airlock visitor script (dist/visitor/siteconnect.js). */
  readonly siteconnect: string;
  /** rrweb's browser bundle (rrweb/dist/rrweb.umd.min.cjs). */
  readonly rrweb: string;
  /** The rrweb starter (bench/capture/rrweb-recorder.js). */
  readonly rrwebRecorder: string;
}

/**
 * Whether the pages show Airlock's own UI (chat launcher, consent prompt, sharing bar). "hidden"
 * adds `[data-airlock-ui] { display: none }` to the shop's stylesheet, as a site could: that UI
 * is not capture work and rrweb has none, so hiding it compares capture with capture. The
 * stylesheet is the same for every recorder.
 */
export type BenchUi = "shown" | "hidden";

const HIDE_UI_CSS = "\n/* bench capture --ui hidden */\n[data-airlock-ui] { display: none !important; }\n";

export interface CaptureSite {
  readonly url: string;
  /** Which recorder the pages embed from now on. */
  recorder: Recorder;
  /** Bytes received from pages since the last reset, per recorder. */
  readonly bytes: Record<Recorder, number>;
  /** Messages received since the last reset, per recorder (to check a recorder really ran). */
  readonly messages: Record<Recorder, number>;
  reset(): void;
  close(): Promise<void>;
}

const SITE_KEY = "bench-site-key-0001";
const CSP = "script-src 'self'; style-src 'self'";
const AIRLOCK_TAG = `<script src="/siteconnect.js" data-site-key="${SITE_KEY}" defer></script>`;
const RRWEB_TAGS = '<script src="/rrweb.js" defer></script><script src="/rrweb-recorder.js" defer></script>';

const pages: Readonly<Record<string, (siteKey: string | undefined) => string>> = {
  "/demo": shopPage,
  "/demo/checkout": checkoutPage,
  "/demo/account": accountPage,
  "/demo/guide": guidePage,
};

export async function startCaptureSite(files: CaptureSiteFiles, ui: BenchUi): Promise<CaptureSite> {
  const css = ui === "hidden" ? shopCss + HIDE_UI_CSS : shopCss;
  const scripts: Readonly<Record<string, Buffer | string>> = {
    "/siteconnect.js": readFileSync(files.siteconnect),
    "/rrweb.js": readFileSync(files.rrweb),
    "/rrweb-recorder.js": readFileSync(files.rrwebRecorder),
    "/demo/shop.js": shopScript,
  };
  const images = new Map(products.map((p) => [`/demo/img/${p.id}.svg`, productSvg(p)]));
  const zero = (): Record<Recorder, number> => ({ airlock: 0, rrweb: 0, none: 0 });
  const site = { recorder: "none" as Recorder, bytes: zero(), messages: zero() };

  const page = (render: (siteKey: string | undefined) => string): string => {
    const html = render(site.recorder === "none" ? undefined : SITE_KEY);
    return site.recorder === "rrweb" ? html.replace(AIRLOCK_TAG, RRWEB_TAGS) : html;
  };
  const send = (res: ServerResponse, type: string, body: string | Buffer) => res.writeHead(200, { "Content-Type": type, "Content-Security-Policy": CSP }).end(body);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://bench.invalid").pathname;
    const render = pages[path];
    const script = scripts[path];
    const image = images.get(path);
    if (render) send(res, "text/html; charset=utf-8", page(render));
    else if (script !== undefined) send(res, "text/javascript; charset=utf-8", script);
    else if (path === "/demo/shop.css") send(res, "text/css; charset=utf-8", css);
    else if (image) send(res, "image/svg+xml", image);
    else res.writeHead(404).end();
  });

  const wss = new WebSocketServer({ server });
  wss.on("connection", (ws, req) => {
    const recorder: Recorder = req.url === "/bench/rrweb" ? "rrweb" : req.url === "/ws/visitor" ? "airlock" : "none";
    if (recorder === "none") return ws.close(closeCodeOf("not_found"), "unknown endpoint");
    const reply = (msg: Record<string, unknown>) => ws.send(JSON.stringify(msg));
    let tokens = 0;
    ws.on("message", (data: Buffer) => {
      site.bytes[recorder] += data.length;
      site.messages[recorder]++;
      if (recorder !== "airlock") return;
      const kind = (JSON.parse(String(data)) as { kind?: unknown }).kind;
      const watching = { kind: "state", state: "active", mode: "view", agents: 1, watching: true };
      if (kind === "hello" || kind === "resume") {
        reply({ kind: "welcome", version: 1, session: "bench", resumeToken: `bench-resume-token-${++tokens}`, limits: {}, privacy: { maskingSelectors: ["[data-private]", ".account-number"], maskInputValues: true } });
        if (kind === "hello") reply({ kind: "consent-request", request: "bench-consent", mode: "view", agent: { displayName: "Bench Agent" } });
        else reply(watching);
      } else if (kind === "consent") reply(watching);
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get recorder() {
      return site.recorder;
    },
    set recorder(r: Recorder) {
      site.recorder = r;
    },
    bytes: site.bytes,
    messages: site.messages,
    reset() {
      for (const r of ["airlock", "rrweb", "none"] as const) {
        site.bytes[r] = 0;
        site.messages[r] = 0;
      }
    },
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
