import { buildSync } from "esbuild";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, BrowserContextOptions, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { signInEnrolled } from "../auth/helpers/login.js";
import type { TestServer } from "../helpers/server.js";
import { demoInBrowser } from "../e2e/demo-airlock.js";

export const SHOP_SITE_KEY = "test-shop-site-key-01";

/** sites.yaml registering the test shop (and nothing else) for the visitor socket's Origin check. */
export function shopSites(origin: string): string {
  return `version: 1\nsites:\n  shop:\n    name: Test shop\n    siteKey: ${SHOP_SITE_KEY}\n    origins: [${origin}]\n    maskingSelectors: []\n    asvs: [V4.4.2]\n`;
}

/**
 * A website embedding the chat widget under a strict CSP: scripts and styles only from itself,
 * sockets only to Airlock. Pages: `/` (English), `/de` (German) and `/loans` (English).
 */
export async function startShop(): Promise<{ origin: string; setAirlock(url: string): void; close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-widget-"));
  const outfile = path.join(dir, "widget.js");
  buildSync({ entryPoints: [path.join(import.meta.dirname, "widget-page", "entry.ts")], outfile, bundle: true, format: "iife", platform: "browser", target: "es2022", logLevel: "silent" });
  const bundle = readFileSync(outfile);
  let airlock = "";
  const page = (lang: string, title: string) =>
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><title>${title}</title></head><body><h1>${title}</h1><p>Products and prices.</p>` +
    `<script src="/widget.js" data-airlock="${airlock}" data-site-key="${SHOP_SITE_KEY}"></script></body></html>`;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://shop.invalid");
    const ws = airlock.replace(/^http/, "ws");
    res.setHeader("Content-Security-Policy", `default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src ${ws}`);
    if (url.pathname === "/widget.js") return void res.writeHead(200, { "Content-Type": "text/javascript" }).end(bundle);
    if (url.pathname === "/") return void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page("en", "Test shop – Home"));
    if (url.pathname === "/de") return void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page("de", "Testladen – Start"));
    if (url.pathname === "/loans") return void res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(page("en", "Test shop – Loans"));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    setAirlock: (url) => (airlock = url),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A browser context signed in to the console as a demo user (session made over HTTP, then handed to the browser). */
export async function consoleContext(browser: Browser, server: TestServer, login: string): Promise<BrowserContext> {
  const { agent } = await signInEnrolled(server, login);
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  // Cookies are per host, not per port or scheme: an https URL on 127.0.0.1 lets the browser take a
  // Secure `__Host-` cookie, which Chromium then sends to http://127.0.0.1 (a secure context).
  const session = agent.cookies.get("__Host-airlock");
  if (!session) throw new Error(`no session cookie after signing in as ${login}`);
  await context.addCookies([{ name: "__Host-airlock", value: session, url: server.url.replace(/^http:/, "https:"), secure: true, httpOnly: true, sameSite: "Strict" }]);
  return context;
}

/** The agent signed in to the console on the chats page; page errors go to `problems`. Close its context when done. */
export async function agentOnChats(browser: Browser, server: TestServer, problems: string[]): Promise<Page> {
  const page = await (await consoleContext(browser, server, "agent")).newPage();
  page.setDefaultTimeout(15_000);
  page.on("pageerror", (e) => problems.push(`agent: ${e.message}`));
  await page.goto(`${server.url}/console/chats?site=demo`);
  await page.getByRole("heading", { name: "Chats", level: 1 }).waitFor();
  return page;
}

/** The demo Airlock and Chromium with the agent on the chats page (valid inside the suite's tests). */
export interface ChatsWorkspace {
  readonly server: TestServer;
  readonly agent: Page;
  /** Page errors of the agent's page and of pages that report into it. */
  readonly problems: string[];
  /** A new browser context, closed after the suite. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/** Registers the suite's hooks: demoInBrowser(), then the agent signed in on the chats page. */
export function chatsWorkspace(): ChatsWorkspace {
  const base = demoInBrowser();
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];
  let agent: Page | undefined;
  beforeAll(async () => {
    agent = await agentOnChats(base.browser, base.demo.server, problems);
    contexts.push(agent.context());
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
  });
  return {
    problems,
    get server() {
      return base.demo.server;
    },
    get agent() {
      if (!agent) throw new Error("the agent's page is not open: use it inside a test");
      return agent;
    },
    async newContext(options) {
      const context = await base.browser.newContext(options);
      contexts.push(context);
      return context;
    },
  };
}
