import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityServer } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir } from "../policy/policy-dir.js";
import { consoleContext, shopSites, startShop } from "./browser-harness.js";

// The quotas' refusals reach a visitor as a sentence in the widget, never as a code: too many
// messages a minute (the message waits and goes later), too many new visits from one address.

const suite = chromiumPath ? describe : describe.skip;
const CODES = /too_many_messages|too_many_visits|too_many_conversations|rate_limited/;

suite("visitor quotas in the widget: sentences, not codes (Chromium)", () => {
  let server: TestServer;
  let tb: TestBrowser;
  let shop: Awaited<ReturnType<typeof startShop>>;
  const contexts: BrowserContext[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`widget-quota-${name}`) });
  const widgetText = (page: Page) => page.evaluate(() => document.querySelector("[data-airlock-ui]")?.shadowRoot?.textContent ?? "");

  beforeAll(async () => {
    shop = await startShop();
    server = await startIdentityServer({
      AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": shopSites(shop.origin) }),
      AIRLOCK_CHAT_MESSAGES_PER_MINUTE_PER_VISIT: "2",
      AIRLOCK_VISITS_PER_CLIENT_PER_MINUTE: "3",
    });
    shop.setAirlock(server.url);
    tb = await launchBrowser();
    // An agent online, so the widget offers a live chat.
    const agentContext = await consoleContext(tb.browser, server, "agent");
    contexts.push(agentContext);
    const agent = await agentContext.newPage();
    await agent.goto(`${server.url}/console/chats?site=shop`);
    await agent.getByRole("heading", { name: "Chats", level: 1 }).waitFor();
  }, 60_000);
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await tb?.close();
    await server?.stop();
    await shop?.close();
  });

  async function visitorPage(): Promise<Page> {
    const context = await tb.browser.newContext({ viewport: { width: 1000, height: 760 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${shop.origin}/`);
    return page;
  }

  it("a visitor who writes faster than chatMessagesPerMinutePerVisit reads why, and the message waits", async () => {
    const visitor = await visitorPage();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    // Waiting for an agent: the widget tells the visitor their place in the queue.
    await visitor.getByText("You are next in the queue.").waitFor();
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    for (const text of ["first question", "second question", "third question"]) {
      await input.fill(text);
      await input.press("Enter");
    }
    await visitor.getByRole("status").filter({ hasText: "You are sending messages faster than we can take them." }).waitFor();
    await visitor.getByText("You · sending…").waitFor();
    await shot(visitor, "01-too-many-messages");
    expect(await widgetText(visitor)).not.toMatch(CODES);
  });

  it("a new visit beyond visitsPerClientPerMinute from the same address reads why in the widget", async () => {
    // The first test's visit was one; two more fill the quota of three.
    for (let i = 0; i < 2; i++) {
      const page = await visitorPage();
      await page.getByRole("button", { name: "Chat with us" }).waitFor();
    }
    const refused = await visitorPage();
    await refused.getByRole("button", { name: "Chat with us" }).click();
    await refused.getByRole("status").filter({ hasText: "Too many chat windows were opened from your network just now." }).waitFor();
    await shot(refused, "02-too-many-visits");
    expect(await widgetText(refused)).not.toMatch(CODES);
  });
});
