import { signInAsNewAgent } from "../../src/bench/fidelity-session.js";
import type { Browser, Page } from "playwright-core";
import { screenshotPath } from "../helpers/browser.js";

// The two people of a co-browse session, each in their own browser context: a visitor on the
// demo shop, whose page's WebSocket frames the test reads in the visitor's browser, and an agent
// who signs in to the console through the dev IdP and enrolls TOTP, as a new agent would.

export interface Person {
  readonly page: Page;
  /** Console errors, CSP and Trusted Types violations, uncaught exceptions. */
  readonly problems: string[];
  shot(name: string): Promise<void>;
}

export interface Visitor extends Person {
  /** Every WebSocket frame the visitor's page sent, in order, across page navigations. */
  readonly sent: string[];
}

function watch(page: Page, prefix: string, ignore: RegExp | undefined): Person {
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on("console", (m) => {
    if ((m.type() === "error" || m.type() === "warning") && !(ignore && ignore.test(m.text()))) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  return { page, problems, shot: async (name) => void (await page.screenshot({ path: screenshotPath(`${prefix}-${name}`) })) };
}

export async function openVisitor(browser: Browser, url: string, prefix: string): Promise<Visitor> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const sent: string[] = [];
  page.on("websocket", (ws) => ws.on("framesent", (f) => sent.push(String(f.payload))));
  const person = watch(page, `${prefix}-visitor`, undefined);
  await page.goto(url);
  return { ...person, sent };
}

/**
 * Opens `path` in a new agent context: the console sends the agent to sign in, the dev IdP asks
 * for username and password, Airlock has the agent enroll TOTP from the key it shows, and the
 * console returns to `path`.
 */
export async function signInAgent(browser: Browser, baseUrl: string, path: string, login: string, prefix: string): Promise<Person> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  // A signed-out console asks GET /api/v1/me and gets 401 by design.
  const person = watch(page, `${prefix}-agent`, /status of 401/);
  await page.goto(`${baseUrl}${path}`);
  await signInAsNewAgent(page, login, path);
  return person;
}

/** Visible text, whitespace-normalized, for comparing what the visitor and the agent see. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, " ").trim();
}
