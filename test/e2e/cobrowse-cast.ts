import type { Browser, BrowserContext, Page } from "playwright-core";
import { expect } from "vitest";
import { consoleContext } from "../chat/browser-harness.js";
import { screenshotPath } from "../helpers/browser.js";
import { replaceOnce, shipped } from "../policy/policy-dir.js";
import { startDemoAirlock, type DemoAirlock } from "./demo-airlock.js";

// The people of the consent and watcher tests, each in their own Chromium context, on a real
// Airlock with the demo shop: visitors (any viewport, English or German) and agents signed in as
// the dev IdP's demo users (agent Alex, supervisor Sam, agent-viewer Vera). Every frame a
// visitor's page sends is kept, so a test can prove what was (not) answered.

export interface CastMember {
  readonly page: Page;
  readonly context: BrowserContext;
  /** Uncaught page errors, CSP and Trusted Types reports. */
  readonly problems: string[];
  shot(name: string): Promise<void>;
}

export interface CastVisitor extends CastMember {
  /** Every WebSocket frame the page sent, parsed, in order. */
  readonly sent: Record<string, unknown>[];
  /** The sharing bar. */
  bar(): ReturnType<Page["getByRole"]>;
}

/** Airlock with the demo site and a cobrowse.yaml changed by `edits` ([shipped text, replacement]). */
export function startCobrowseAirlock(edits: readonly (readonly [string, string])[] = []): Promise<DemoAirlock> {
  let cobrowse = shipped("cobrowse.yaml");
  for (const [from, to] of edits) cobrowse = replaceOnce(cobrowse, from, to);
  return startDemoAirlock({ policies: () => ({ "cobrowse.yaml": cobrowse }) });
}

function member(page: Page, context: BrowserContext, prefix: string): CastMember {
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|TrustedHTML|Trusted Types/i.test(m.text())) problems.push(m.text());
  });
  return { page, context, problems, shot: async (name) => void (await page.screenshot({ path: screenshotPath(`${prefix}-${name}`) })) };
}

/** A visitor on the demo shop; `lang: "de"` makes the shop page a German page (`<html lang="de">`). */
export async function openCastVisitor(
  browser: Browser,
  demo: DemoAirlock,
  prefix: string,
  options: { viewport?: { width: number; height: number }; lang?: "en" | "de" } = {},
): Promise<CastVisitor> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1100, height: 760 } });
  const page = await context.newPage();
  if (options.lang === "de") await inGerman(page);
  const sent: Record<string, unknown>[] = [];
  page.on("websocket", (ws) =>
    ws.on("framesent", (f) => {
      try {
        sent.push(JSON.parse(String(f.payload)) as Record<string, unknown>);
      } catch {
        sent.push({ kind: "(not json)" });
      }
    }),
  );
  const m = member(page, context, `${prefix}-visitor`);
  await page.goto(`${demo.origin}/demo`);
  await page.locator("main").waitFor();
  const bar = () => page.getByRole("region", { name: options.lang === "de" ? "Bildschirmfreigabe mit dem Support" : "Screen sharing with support" });
  return { ...m, sent, bar };
}

/** An agent signed in as a demo user (session made over HTTP, TOTP passed), on `path` of the console. */
export async function openCastAgent(browser: Browser, demo: DemoAirlock, login: string, path: string, prefix: string): Promise<CastMember> {
  const context = await consoleContext(browser, demo.server, login);
  const page = await context.newPage();
  const m = member(page, context, `${prefix}-${login}`);
  await page.goto(`${demo.origin}${path}`);
  return m;
}

/** The console's session row of the visitor with `room` (its visit's current or next session). */
export function sessionRow(agent: Page, session: string) {
  return agent.getByTestId("cobrowse-sessions").locator(`tr[data-room="${session}"]`);
}

/** The session the visitor's page was welcomed into (from its own frames: the server's welcome is received, not sent). */
export async function visitorSession(visitor: CastVisitor): Promise<string> {
  return visitor.page.evaluate(() => {
    const raw = sessionStorage.getItem("airlock.cobrowse.resume");
    const session = raw ? (JSON.parse(raw) as { session?: unknown }).session : undefined;
    return typeof session === "string" ? session : "";
  });
}

/** Consent answers the visitor's page sent, as `mode:answer`. */
export function answers(visitor: CastVisitor): string[] {
  return visitor.sent.filter((f) => f.kind === "consent").map((f) => `${String(f.mode)}:${String(f.answer)}`);
}

/** An agent starts co-browsing from the Co-browse page and lands in the viewer. */
export async function startFromList(agent: CastMember, session: string, button: "Start co-browsing" | "Join"): Promise<void> {
  await expect.poll(() => sessionRow(agent.page, session).count(), { timeout: 15_000 }).toBe(1);
  await sessionRow(agent.page, session).getByRole("button", { name: button }).click();
  await agent.page.waitForURL(/\/console\/cobrowse\/[A-Za-z0-9_-]+$/);
}

/** Whether two boxes overlap. */
export function overlaps(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/**
 * The shop in German: its pages say lang="en", so as the parser inserts <html> this makes it a
 * German page before any script runs (the visitor script words its UI in the page's language).
 */
export async function inGerman(page: Page): Promise<void> {
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (!document.documentElement) return;
      document.documentElement.lang = "de";
      observer.disconnect();
    }).observe(document, { childList: true });
  });
}
