import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { consoleContext } from "../chat/browser-harness.js";
import { agentSocket, visitorSocket, waitFor } from "../chat/live-chat-sockets.js";
import { launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { buildConsoleBundle } from "../visitor/host-site.js";

// The console pages of admins, supervisors and auditors on a real Airlock (dev mode, dev IdP,
// TOTP), in Chromium. People sign in through the IdP over HTTP (the login flow has its own
// Chromium suite) and the session cookie is handed to the browser.

export type Login = "agent" | "supervisor" | "auditor" | "admin";

export interface ConsoleSuite {
  readonly server: TestServer;
  readonly browser: Browser;
}

/** Registers hooks: build the console bundle, start Airlock and Chromium; stop both afterwards. */
export function consoleSuite(env: Record<string, string> = {}): ConsoleSuite {
  let server: TestServer | undefined;
  let tb: TestBrowser | undefined;
  beforeAll(async () => {
    buildConsoleBundle();
    server = await startIdentityServer(env);
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error("suite not started");
      return server;
    },
    get browser() {
      if (!tb) throw new Error("suite not started");
      return tb.browser;
    },
  };
}

export interface ConsolePerson {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Script errors, CSP and Trusted Types violations. */
  readonly problems: string[];
  /** Screenshots at desktop size (1280×800) and in a narrow window (700×900). */
  shots(name: string): Promise<void>;
}

/** A signed-in console tab for `login`, on `path`. */
export async function openConsole(suite: ConsoleSuite, login: Login, path: string): Promise<ConsolePerson> {
  const context = await consoleContext(suite.browser, suite.server, login);
  const page = await context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on("console", (m) => {
    // Refused API calls show as failed resources; the page's own handling is what the tests check.
    if (m.type() === "error" && !/Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(`${suite.server.url}${path}`);
  await page.getByRole("heading", { level: 1 }).first().waitFor();
  return {
    context,
    page,
    problems,
    async shots(name) {
      // From the top: a full-page shot of a scrolled page draws the sticky top bar mid-page.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.screenshot({ path: screenshotPath(`${name}-1280`), fullPage: true });
      await page.setViewportSize({ width: 700, height: 900 });
      await page.screenshot({ path: screenshotPath(`${name}-700`), fullPage: true });
      await page.setViewportSize({ width: 1280, height: 800 });
    },
  };
}

/** An API client signed in as `login` (for what the server answers, not what the page offers). */
export async function apiAs(server: TestServer, login: Login): Promise<HttpAgent> {
  return (await signInEnrolled(server, login)).agent;
}

/**
 * A stored conversation on the demo site: a visitor asks, `login` accepts, both write a line,
 * the agent ends it. Returns its id and the visitor's id.
 */
export async function storedConversation(server: TestServer, login: "agent" | "supervisor", lines: { visitor: string; agent: string }): Promise<{ conversation: string; visitor: string }> {
  const visitor = await visitorSocket(server);
  const agent = await agentSocket(server, login);
  try {
    visitor.client.send({ kind: "chat-start" });
    const started = await waitFor(visitor.client, (f) => f.kind === "chat-conversation" && f.change === "started", "chat started");
    const conversation = String(started.conversation);
    agent.send({ kind: "chat-accept", conversation });
    await waitFor(visitor.client, (f) => f.kind === "chat-conversation" && f.change === "accepted", "chat accepted");
    visitor.client.send({ kind: "chat-send", conversation, clientId: `v-${conversation.slice(0, 8)}`, text: lines.visitor });
    await waitFor(agent, (f) => f.kind === "chat-message" && f.text === lines.visitor, "visitor line");
    agent.send({ kind: "chat-send", conversation, clientId: `a-${conversation.slice(0, 8)}`, text: lines.agent });
    await waitFor(visitor.client, (f) => f.kind === "chat-message" && f.text === lines.agent, "agent line");
    agent.send({ kind: "chat-end", conversation });
    await waitFor(visitor.client, (f) => f.kind === "chat-conversation" && f.state === "ended", "chat ended");
    return { conversation, visitor: visitor.visit };
  } finally {
    visitor.client.close();
    agent.close();
  }
}
