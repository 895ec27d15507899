import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const suite = chromiumPath ? describe : describe.skip;

suite("landing page in Chromium", () => {
  let server: TestServer;
  let tb: TestBrowser;
  beforeAll(async () => {
    server = await startTestServer();
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await server?.stop();
  });

  it("renders under the strict CSP without a single violation and links the health endpoints", async () => {
    const page = await tb.browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(m.text());
    });
    page.on("pageerror", (e) => problems.push(e.message));
    const res = await page.goto(`${server.url}/`);
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toBe("Airlock");
    expect(await page.locator("h1").innerText()).toBe("Airlock");
    // The external stylesheet applied (inline styles would be blocked by the CSP).
    const mark = await page.locator(".mark").evaluate((el) => getComputedStyle(el).borderRadius);
    expect(mark).not.toBe("0px");
    await page.screenshot({ path: screenshotPath("home"), fullPage: true });
    await page.click("text=/healthz");
    expect(JSON.parse(await page.locator("body").innerText())).toEqual({ status: "ok" });
    await page.goBack();
    await page.click("text=/readyz");
    expect(JSON.parse(await page.locator("body").innerText())).toMatchObject({ status: "ready" });
    expect(problems).toEqual([]);
    await page.close();
  });
});
