import { generate } from "otplib";
import type { Browser, BrowserContext, Page } from "playwright-core";

// The two people of every page `bench fidelity` measures, in one Chromium: an agent signed in
// to the console through the dev IdP (TOTP enrolled as a new agent would), and for each page a
// fresh visitor (1280×800) who opens the page, is asked to share it and agrees; the agent then
// watches it at 100 %. Requests for any host but loopback are refused in both contexts.

export const VISITOR_VIEWPORT = { width: 1280, height: 800 } as const;
// Wide and tall enough that the console's viewer shows the whole 1280×800 page copy at 100 %.
const AGENT_VIEWPORT = { width: 1800, height: 1300 } as const;
const STEP_MS = 15_000;

async function loopbackOnly(context: BrowserContext): Promise<void> {
  await context.route(/.*/, (route) => {
    const url = new URL(route.request().url());
    const local = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.protocol === "data:" || url.protocol === "blob:";
    return local ? route.continue() : route.abort("blockedbyclient");
  });
}

/**
 * From a signed-out console page: signs in at the dev IdP as `login` (password `<login>-demo`),
 * enrolls TOTP from the key the console shows, as a new agent would, and waits to be back at `path`.
 */
export async function signInAsNewAgent(page: Page, login: string, path: string): Promise<void> {
  await page.getByTestId("sign-in").click();
  await page.getByLabel("Username").fill(login);
  await page.getByLabel("Password").fill(`${login}-demo`);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Set up your authenticator" }).waitFor();
  await page.getByText("Can't scan it? Enter the key by hand").click();
  const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s+/g, "");
  await page.getByLabel("6-digit code").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on" }).click();
  await page.getByRole("button", { name: /I have saved my codes/ }).click();
  await page.waitForURL((u) => u.pathname === path);
}

export async function signInAgent(browser: Browser, airlock: string): Promise<Page> {
  const context = await browser.newContext({ viewport: AGENT_VIEWPORT });
  await loopbackOnly(context);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  await page.goto(`${airlock}/console/cobrowse`);
  await signInAsNewAgent(page, "agent", "/console/cobrowse");
  return page;
}

export interface Watched {
  readonly visitor: Page;
  close(): Promise<void>;
}

/** A visitor opens `url` and shares it; the agent starts co-browsing from the list and sets 100 %. */
export async function watchPage(browser: Browser, agent: Page, airlock: string, url: string): Promise<Watched> {
  const context = await browser.newContext({ viewport: VISITOR_VIEWPORT });
  await loopbackOnly(context);
  const visitor = await context.newPage();
  visitor.setDefaultTimeout(STEP_MS);
  try {
    await visitor.goto(url, { waitUntil: "load" });
    const session = await waitFor(() => visitor.evaluate(() => {
      const raw = sessionStorage.getItem("airlock.cobrowse.resume");
      const s = raw ? (JSON.parse(raw) as { session?: unknown }).session : undefined;
      return typeof s === "string" ? s : undefined;
    }), "the visitor's page did not join Airlock (is the embed tag served?)");
    await agent.goto(`${airlock}/console/cobrowse`);
    const row = agent.locator(`[data-testid=cobrowse-sessions] tr[data-room="${session}"] button`).first();
    await row.click();
    await agent.waitForURL(/\/console\/cobrowse\/[A-Za-z0-9_-]+$/);
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    await agent.getByRole("button", { name: "100 %" }).click();
    // The console's content column is narrower than 1280 px: let the viewer show the whole copy
    // (only the console's own boxes change; the copy is untouched).
    await agent.evaluate(() => {
      for (let el = document.querySelector<HTMLElement>(".cb-scaler"); el && el !== document.body; el = el.parentElement) {
        el.style.overflow = "visible";
        el.style.maxWidth = "none";
      }
    });
    await waitFor(() => agent.evaluate(() => {
      const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
      return doc?.body && doc.body.childElementCount > 0 ? true : undefined;
    }), "the page copy did not arrive");
  } catch (err) {
    await context.close();
    throw err;
  }
  return { visitor, close: () => context.close() };
}

/** Polls until `read` gives a value (bounded), else fails with `why`. */
export async function waitFor<T>(read: () => Promise<T | undefined>, why: string, timeoutMs = STEP_MS): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(why);
    await new Promise((r) => setTimeout(r, 100));
  }
}
