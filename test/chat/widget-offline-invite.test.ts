import { readFileSync } from "node:fs";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityServer } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir } from "../policy/policy-dir.js";
import { consoleContext, shopSites, startShop } from "./browser-harness.js";

const suite = chromiumPath ? describe : describe.skip;

suite("chat widget in Chromium: offline form in German, invitation, keyboard, transcript download", () => {
  let server: TestServer;
  let tb: TestBrowser;
  let shop: Awaited<ReturnType<typeof startShop>>;
  const contexts: BrowserContext[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`chat-widget-${name}`) });

  beforeAll(async () => {
    shop = await startShop();
    server = await startIdentityServer({ AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": shopSites(shop.origin) }) });
    shop.setAirlock(server.url);
    tb = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await tb?.close();
    await server?.stop();
    await shop?.close();
  });

  async function visitorPage(path: string): Promise<Page> {
    const context = await tb.browser.newContext({ viewport: { width: 1000, height: 760 }, acceptDownloads: true });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("dialog", () => {
      throw new Error("a dialog opened");
    });
    await page.goto(`${shop.origin}${path}`);
    return page;
  }

  it("with no agent online, a German visitor leaves an offline message; an agent coming online finds it", async () => {
    const visitor = await visitorPage("/de");
    await visitor.getByRole("button", { name: "Chat starten" }).click();
    await visitor.getByText("Gerade ist niemand erreichbar.").waitFor();
    await visitor.getByRole("textbox", { name: "Name" }).fill("Anna Beispiel");
    await visitor.getByRole("textbox", { name: "E-Mail" }).fill("anna@example.test");
    await visitor.getByRole("textbox", { name: "Nachricht" }).fill("Bitte rufen Sie mich wegen <Bestellung 42> zurück.");
    await shot(visitor, "01-offline-form-de");
    await visitor.getByRole("button", { name: "Nachricht senden" }).click();
    await visitor.getByText("Vielen Dank. Ihre Nachricht wurde gesendet.").waitFor();

    const agentContext = await consoleContext(tb.browser, server, "agent");
    contexts.push(agentContext);
    const agent = await agentContext.newPage();
    await agent.goto(`${server.url}/console/chats?site=shop`);
    await agent.locator(".inbox-row").filter({ hasText: "Offline message" }).waitFor();
    await agent.getByRole("button", { name: "Accept" }).click();
    await agent.locator(".chat-pane").getByText("Offline message from Anna Beispiel <anna@example.test>:").waitFor();
    await agent.locator(".chat-pane").getByText("Bitte rufen Sie mich wegen <Bestellung 42> zurück.").waitFor();
    await shot(agent, "02-agent-offline-message");
  });

  it("an agent invites a visitor from the live list; the visitor answers by keyboard and downloads the transcript", async () => {
    const agent = contexts.length > 1 ? (contexts[1]?.pages()[0] as Page) : undefined;
    if (!agent) throw new Error("the agent console from the previous test is missing");
    const visitor = await visitorPage("/");
    const row = agent.getByRole("row", { name: /Test shop – Home/ });
    await row.getByRole("button", { name: "Invite to chat" }).click();
    const prompt = visitor.getByRole("status").filter({ hasText: "Can we help you?" });
    await prompt.waitFor();
    await shot(visitor, "03-invitation");
    // keyboard only: focus the prompt's button, Enter, type, Enter
    await visitor.getByRole("button", { name: "Chat now" }).focus();
    await visitor.keyboard.press("Enter");
    await visitor.keyboard.type("Yes please, which size fits me?");
    await visitor.keyboard.press("Enter");
    // An accepted invitation goes straight to the agent who sent it: no Accept needed; it opens in the middle pane.
    const pane = agent.locator(".chat-pane").filter({ hasText: "Yes please, which size fits me?" });
    await pane.waitFor();
    const reply = pane.getByRole("textbox", { name: "Message" });
    await reply.fill("Size M should fit.");
    await reply.press("Enter");
    await visitor.getByText("Size M should fit.").waitFor();
    // Escape minimises the widget and gives focus back to the launcher
    await visitor.keyboard.press("Escape");
    await expect.poll(() => visitor.evaluate(() => document.querySelector("[data-airlock-ui]")?.shadowRoot?.activeElement?.textContent)).toBe("Chat with us");
    await visitor.keyboard.press("Enter");
    await visitor.getByText("Size M should fit.").waitFor();

    const [download] = await Promise.all([visitor.waitForEvent("download"), visitor.getByRole("button", { name: "Download transcript" }).click()]);
    const file = await download.path();
    const text = readFileSync(file, "utf8");
    expect(text).toContain("You: Yes please, which size fits me?");
    expect(text).toContain("Agent: Size M should fit.");
    await shot(visitor, "04-after-keyboard-chat");
    // nothing of the conversations reached the server's log
    for (const secret of ["Bestellung 42", "which size fits me", "Size M should fit", "anna@example.test"]) expect(server.logText()).not.toContain(secret);
  });
});
