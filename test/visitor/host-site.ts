import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { WebSocketServer, type WebSocket } from "ws";
import { accountPage, checkoutPage, guidePage, shopPage } from "../../src/demo/pages.js";
import { shopCss } from "../../src/demo/shop-css.js";
import { shopScript } from "../../src/demo/shop-script.js";
import { products } from "../../src/demo/catalog.js";
import { productSvg } from "../../src/demo/product-image.js";
import { frameText } from "../../src/http/ws/frame-text.js";

// A website that embeds the visitor script, for tests of the script on its own: it serves the
// demo shop's pages and the built /siteconnect.js from one origin under
// `Content-Security-Policy: script-src 'self'; style-src 'self'`, and speaks protocol v1 on
// /ws/visitor as a scripted peer, so a test decides exactly what the relay would say and reads
// every frame the page sends.

export const TEST_SITE_KEY = "test-site-key-0001";
export const HOST_CSP = "script-src 'self'; style-src 'self'";

export function buildVisitorBundle(): string {
  const root = path.resolve(import.meta.dirname, "../..");
  execFileSync(process.execPath, [path.join(root, "scripts/build-visitor.mjs")], { cwd: root, stdio: "pipe" });
  return path.join(root, "dist/visitor/siteconnect.js");
}

/** Builds the console (dist/console), so browser tests run the console of the source under test. */
export function buildConsoleBundle(): void {
  const root = path.resolve(import.meta.dirname, "../..");
  execFileSync(process.execPath, [path.join(root, "scripts/build-console.mjs")], { cwd: root, stdio: "pipe" });
}

export interface PeerSocket {
  readonly ws: WebSocket;
  /** Parsed frames received from the page, in order. */
  readonly received: Record<string, unknown>[];
  send(msg: Record<string, unknown>): void;
  /** Resolves with the first received frame (from now or earlier) matching the predicate. */
  waitFor(pred: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export interface HostSite {
  readonly url: string;
  readonly sockets: PeerSocket[];
  /** The next visitor connection (or the latest one if it is already open). */
  nextSocket(): Promise<PeerSocket>;
  close(): Promise<void>;
}

export async function startHostSite(bundlePath: string, privacy: Record<string, unknown> = { maskingSelectors: ["[data-private]", ".account-number"] }): Promise<HostSite> {
  const bundle = readFileSync(bundlePath);
  const withKey = (render: (k: string) => string) => render(TEST_SITE_KEY);
  const pages: Record<string, () => string> = {
    "/demo": () => withKey(shopPage),
    "/demo/checkout": () => withKey(checkoutPage),
    "/demo/account": () => withKey(accountPage),
    "/demo/guide": () => withKey(guidePage),
  };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://host.invalid");
    res.setHeader("Content-Security-Policy", HOST_CSP);
    const page = pages[url.pathname];
    if (page) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page());
    } else if (url.pathname === "/siteconnect.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle);
    } else if (url.pathname === "/demo/shop.js") {
      res.writeHead(200, { "Content-Type": "text/javascript" }).end(shopScript);
    } else if (url.pathname === "/demo/shop.css") {
      res.writeHead(200, { "Content-Type": "text/css" }).end(shopCss);
    } else if (url.pathname === "/assets/favicon.svg") {
      res.writeHead(200, { "Content-Type": "image/svg+xml" }).end('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>');
    } else if (url.pathname.startsWith("/demo/img/")) {
      const p = products.find((x) => `/demo/img/${x.id}.svg` === url.pathname);
      if (p) res.writeHead(200, { "Content-Type": "image/svg+xml" }).end(productSvg(p));
      else res.writeHead(404).end();
    } else res.writeHead(404).end();
  });
  const wss = new WebSocketServer({ server, path: "/ws/visitor" });
  const sockets: PeerSocket[] = [];
  const waiting: ((s: PeerSocket) => void)[] = [];
  let tokens = 0;
  wss.on("connection", (ws) => {
    const received: Record<string, unknown>[] = [];
    const listeners: (() => void)[] = [];
    const peer: PeerSocket = {
      ws,
      received,
      send: (msg) => ws.send(JSON.stringify(msg)),
      waitFor: (pred, timeoutMs = 5000) =>
        new Promise((resolve, reject) => {
          const hit = received.find(pred);
          if (hit) return resolve(hit);
          const timer = setTimeout(() => reject(new Error("timed out waiting for a visitor frame")), timeoutMs);
          const check = () => {
            const m = received.find(pred);
            if (m) {
              clearTimeout(timer);
              resolve(m);
            }
          };
          listeners.push(check);
        }),
    };
    ws.on("message", (data) => {
      const msg = JSON.parse(frameText(data)) as Record<string, unknown>;
      received.push(msg);
      if (msg.kind === "hello" || msg.kind === "resume") {
        peer.send({ kind: "welcome", version: 1, session: "s-1", resumeToken: `resume-token-${++tokens}-abcdefgh`, limits: {}, privacy });
      }
      for (const l of listeners) l();
    });
    sockets.push(peer);
    for (const w of waiting.splice(0)) w(peer);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sockets,
    nextSocket: () => new Promise((resolve) => waiting.push(resolve)),
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
