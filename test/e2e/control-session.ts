import { expect } from "vitest";
import type { Browser } from "playwright-core";
import type { DemoAirlock } from "./demo-airlock.js";
import { openVisitor, signInAgent, type Person, type Visitor } from "./people.js";
import { PageCopyView } from "./page-copy-view.js";

// A co-browse session as the control tests need it: a visitor on a demo page shares with an
// agent who signed in to the console (dev IdP + TOTP) and started co-browsing from the session
// list; control is granted on request. Everything goes through the real server.

export interface Watcher {
  readonly person: Person;
  readonly replica: PageCopyView;
  readonly status: () => Promise<string>;
}

export interface SharedSession {
  readonly visitor: Visitor;
  readonly agent: Watcher;
}

/** An agent (by dev IdP login) opens the console's session list and starts or joins the only session. */
export async function agentJoins(browser: Browser, demo: DemoAirlock, login: string, prefix: string): Promise<Watcher> {
  const person = await signInAgent(browser, demo.origin, "/console/cobrowse", login, prefix);
  return joinFromList(person);
}

/** A signed-in agent on the console's session list starts or joins the only session. */
export async function joinFromList(person: Person): Promise<Watcher> {
  await person.page.getByRole("heading", { name: "Co-browse", level: 1 }).waitFor();
  const button = person.page.locator("[data-testid=cobrowse-sessions] tr[data-room] button").first();
  await button.waitFor();
  await button.click();
  await person.page.waitForURL(/\/console\/cobrowse\/[A-Za-z0-9_-]+$/);
  return watcher(person);
}

export function watcher(person: Person): Watcher {
  return { person, replica: new PageCopyView(person.page), status: () => person.page.locator(".cb-status").innerText() };
}

/** A visitor on `path` shares the page with an agent; the agent's page copy shows it. */
export async function shareWithAgent(browser: Browser, demo: DemoAirlock, path: string, prefix: string): Promise<SharedSession> {
  const visitor = await openVisitor(browser, `${demo.origin}${path}`, prefix);
  await visitor.page.locator("h1").waitFor();
  const agent = await agentJoins(browser, demo, "agent", prefix);
  await visitor.page.getByRole("button", { name: "Share my screen" }).click();
  await expect.poll(() => agent.replica.text("h1"), { timeout: 10_000 }).toBe(await visitor.page.locator("h1").innerText());
  return { visitor, agent };
}

export async function grantControl(s: SharedSession): Promise<void> {
  await s.agent.person.page.getByRole("button", { name: "Request control" }).click();
  await s.visitor.page.getByRole("button", { name: "Allow control" }).click();
  await expect.poll(() => s.agent.status()).toBe("You are controlling the visitor's page");
}

/** Clicks an element of the page copy through the viewer's overlay, as the agent would. */
export async function clickInPageCopy(w: Watcher, selector: string): Promise<void> {
  const box = await w.replica.box(selector);
  await w.person.page.mouse.click(box.x + Math.min(10, box.width / 2), box.y + box.height / 2);
}

/** What the agent sees in the typing box over a field (empty when it is not shown). */
export async function typerText(w: Watcher): Promise<string> {
  return w.person.page.locator(".cb-typer").evaluate((el) => ((el as HTMLInputElement).checkVisibility() ? (el as HTMLInputElement).value : ""));
}

/** An element's scroll offset in a watcher's page copy (-1 when it is not there). */
export function pageCopyScrollTop(w: Watcher, selector: string): Promise<number> {
  return w.person.page.evaluate((sel) => {
    const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
    return doc?.querySelector(sel)?.scrollTop ?? -1;
  }, selector);
}

/** The id attribute of the element the page copy marks as focused on the visitor's page. */
/** Whether the page copy shows the element with this id as keyboard-focused (`:focus-visible`). */
export function pageCopyFocusVisible(w: Watcher, id: string): Promise<boolean> {
  return w.person.page.evaluate((id) => {
    const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
    return doc?.getElementById(id)?.hasAttribute("data-airlock-focus-visible") ?? false;
  }, id);
}

export function pageCopyFocus(w: Watcher): Promise<string | null> {
  return w.person.page.evaluate(() => {
    const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
    return doc?.querySelector("[data-airlock-focus]")?.getAttribute("id") ?? null;
  });
}

/**
 * Waits until `ready` holds. If the visitor's page asks the visitor about a further watcher
 * meanwhile (policy may require it), the visitor agrees.
 */
export async function admitWatcher(visitor: Visitor, ready: () => Promise<boolean>): Promise<void> {
  await expect
    .poll(
      async () => {
        if (await ready()) return true;
        const yes = visitor.page.getByRole("dialog").getByRole("button").filter({ hasText: /share|allow|accept|let .* watch|yes/i });
        if ((await yes.count()) > 0) await yes.first().click();
        return false;
      },
      { timeout: 15_000, interval: 200 },
    )
    .toBe(true);
}

/** The node id the page copy's element carries (the id control events and audit entries name). */
export async function pageCopyNodeId(w: Watcher, selector: string): Promise<number> {
  const id = await w.person.page.evaluate((sel) => {
    const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
    return doc?.querySelector(sel)?.getAttribute("data-airlock-id") ?? "";
  }, selector);
  return Number(id);
}
