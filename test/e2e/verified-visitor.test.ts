import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, screenshotPath } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { chatsWorkspace } from "../chat/browser-harness.js";

// The demo shop's "My account" page: its backend (/demo/identity-token) signs a short-lived token
// for Dana Demo, the page hands it to Airlock.identify, and the agent's workspace shows the
// visitor as verified, with the attribute the site's policy lists. A page that only claims an
// identity (a forged token through the same API) stays "Not verified".

const suite = chromiumPath ? describe : describe.skip;

suite("a verified visitor in the agent's workspace (Chromium, demo shop)", () => {
  const workspace = chatsWorkspace();
  let server: TestServer;
  let agent: Page;

  beforeAll(async () => {
    ({ server, agent } = workspace);
    await agent.setViewportSize({ width: 1280, height: 800 });
  });

  async function visitorAsks(path: string, text: string, before?: (page: Page) => Promise<void>): Promise<Page> {
    const page = await (await workspace.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (e) => workspace.problems.push(`visitor: ${e.message}`));
    await page.goto(`${server.url}${path}`);
    await before?.(page);
    await page.getByRole("button", { name: "Chat with us" }).click();
    const input = page.getByRole("textbox", { name: "Type your message" });
    await input.fill(text);
    await input.press("Enter");
    return page;
  }

  const identity = () => agent.getByTestId("visitor-context").getByTestId("identity");

  it("shows 'Verified: Dana Demo (customer 4711)' for the signed-in customer of the demo shop", async () => {
    await visitorAsks("/demo/account", "Hello, a question about my account");
    await agent.locator(".inbox-conversation").getByRole("button", { name: "Accept" }).click();
    await identity().getByTestId("verified-customer").waitFor();
    expect(await identity().getByTestId("verified-customer").textContent()).toBe("Verified Dana Demo (customer 4711)");
    expect(await identity().textContent()).toContain("tierGold");
    await agent.screenshot({ path: screenshotPath("verified-visitor-workspace") });
  });

  it("leaves a visitor whose page presents a forged token unverified", async () => {
    const forged = await visitorAsks("/demo", "Hello from a forger", async (page) => {
      const answered = await page.evaluate(() => (globalThis as unknown as { Airlock: { identify(t: string): Promise<boolean> } }).Airlock.identify("eyJhbGciOiJub25lIn0.eyJzdWIiOiI0NzExIiwibmFtZSI6IkRhbmEgRGVtbyJ9."));
      expect(answered).toBe(false);
    });
    await agent.locator(".inbox-folder[data-folder=waiting]").click();
    await agent.getByRole("listbox", { name: /conversations/ }).getByRole("option").first().click();
    await agent.locator(".inbox-conversation").getByRole("button", { name: "Accept" }).click();
    await agent.locator(".inbox-conversation").getByText("Hello from a forger").waitFor();
    await identity().getByText("Not verified").waitFor();
    await agent.screenshot({ path: screenshotPath("verified-visitor-forged-not-verified") });
    expect(await identity().textContent()).not.toContain("Dana Demo");
    await forged.close();
    expect(workspace.problems).toEqual([]);
  });
});
