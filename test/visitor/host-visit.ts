import type { Browser, Page } from "playwright-core";
import type { HostSite, PeerSocket } from "./host-site.js";

/** A visitor's page on the host site, with its relay connection and what the page showed. */
export interface Visit {
  page: Page;
  peer: PeerSocket;
  /** Every frame the page's WebSocket sent, in order. */
  sent: string[];
  /** Page errors and console errors or warnings. */
  problems: string[];
}

/** Opens `path` of the host site in a fresh 1200×800 context and waits for the visitor script's hello. */
export async function visitHostSite(browser: Browser, site: HostSite, path: string): Promise<Visit> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  const sent: string[] = [];
  const problems: string[] = [];
  page.on("websocket", (ws) => ws.on("framesent", (f) => sent.push(String(f.payload))));
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
  });
  const socket = site.nextSocket();
  await page.goto(`${site.url}${path}`);
  const peer = await socket;
  await peer.waitFor((m) => m.kind === "hello");
  return { page, peer, sent, problems };
}
