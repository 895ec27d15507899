import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, expect } from "vitest";
import { startIdentityServer } from "../auth/helpers/login.js";
import { freePort } from "../helpers/ports.js";
import { axeViolations } from "../helpers/axe.js";
import { launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir } from "../policy/policy-dir.js";
import { consoleContext } from "../chat/browser-harness.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { demoSitesYaml } from "./demo-airlock.js";

// The chat workspace as agents and visitors use it: Airlock with the dev IdP and the demo shop
// at /demo registered at its own origin, Chromium, console contexts signed in over HTTP (the
// sign-in itself is tested elsewhere), and visitor pages of the shop with the real visitor script.

export const DESKTOP = { width: 1280, height: 800 } as const;
/**
 * The demo shop runs on loopback, and the asset proxy refuses loopback addresses unless told
 * otherwise: this explicit allow (dev mode only; production refuses the setting at start-up) lets
 * the page copy show the shop's images in tests.
 */
export const LOOPBACK_ASSETS = { AIRLOCK_ASSET_PROXY_ALLOW_LOOPBACK: "true" } as const;
export const PHONE = { width: 390, height: 844 } as const;

export interface Workspace {
  readonly server: TestServer;
  /** A console page of `login` at `path` (default: the Chats inbox of the demo site). */
  agent(login: string, path?: string): Promise<Page>;
  /** A visitor on the demo shop. */
  visitor(viewport?: { width: number; height: number }): Promise<Page>;
  shot(page: Page, name: string): Promise<void>;
}

/** Registers hooks that build the bundles, start Airlock and Chromium, and close everything after. */
export function chatWorkspace(prefix: string, options: { readonly sitesYaml?: (origin: string) => string; /** More server environment, read when the server starts (after earlier beforeAll hooks). */ readonly env?: () => Record<string, string> } = {}): Workspace {
  let server: TestServer | undefined;
  let tb: TestBrowser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    const port = await freePort();
    server = await startIdentityServer({ AIRLOCK_PORT: String(port), AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": (options.sitesYaml ?? demoSitesYaml)(`http://127.0.0.1:${port}`) }), ...LOOPBACK_ASSETS, ...options.env?.() });
    tb = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await tb?.close();
    await server?.stop();
  });
  const ready = () => {
    if (!server || !tb) throw new Error("the workspace is not started: use it inside a test");
    return { server, browser: tb.browser };
  };
  return {
    get server() {
      return ready().server;
    },
    async agent(login, path = "/console/chats?site=demo") {
      const { server: s, browser } = ready();
      const context = await consoleContext(browser, s, login);
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.setViewportSize(DESKTOP);
      await page.goto(`${s.url}${path}`);
      await page.locator("main h1").first().waitFor();
      return page;
    },
    async visitor(viewport = DESKTOP) {
      const { server: s, browser } = ready();
      const context = await browser.newContext({ viewport });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      await page.goto(`${s.url}/demo`);
      return page;
    },
    shot: async (page, name) => void (await page.screenshot({ path: screenshotPath(`${prefix}-${name}`) })),
  };
}

/** The chat widget's shadow root content. */
export function widget(page: Page): Locator {
  return page.locator("[data-airlock-ui] .alc");
}

/** Opens the oldest chat of the inbox's Waiting folder and accepts it. */
export async function acceptWaiting(page: Page): Promise<void> {
  await page.locator(".inbox-folder[data-folder=waiting]").click();
  await page.locator(".inbox-row").first().click();
  await page.getByRole("button", { name: "Accept" }).click();
}

/** Sets the agent's availability in the console header and waits until the server confirmed it. */
export async function setAvailability(page: Page, status: "Online" | "Away"): Promise<void> {
  await page.getByRole("combobox", { name: "Availability" }).selectOption({ label: status });
  await expect.poll(() => page.getByRole("combobox", { name: "Availability" }).inputValue()).toBe(status.toLowerCase());
}

/** axe-core on the given parts of the page: zero WCAG 2.x A/AA violations. */
export async function expectNoAxeViolations(page: Page, include: string[]): Promise<void> {
  expect(await axeViolations(page, { include })).toEqual([]);
}
