import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { chatWorkspace, expectNoAxeViolations, widget } from "./chat-workspace.js";
import { demoSitesYaml } from "./demo-airlock.js";

// Found by using the inbox: the empty Waiting folder said "no one waiting" twice; a long site
// name crowded the Chats heading in a narrow window; the co-browse viewer stayed light in dark
// mode (white buttons with white text); the page copy showed broken images in tests because the
// asset proxy refused the loopback demo shop. Screenshots: test-results/screenshots/polish-*.png.

const suite = chromiumPath ? describe : describe.skip;
const LONG_NAME = "Northwind Retail Banking — Customer Self-Service Portal (production, EU West region)";

/** Whether two elements' boxes overlap. */
async function overlap(page: Page, a: string, b: string): Promise<boolean> {
  return page.evaluate(
    ([x, y]) => {
      const r = document.querySelector(x ?? "")?.getBoundingClientRect();
      const s = document.querySelector(y ?? "")?.getBoundingClientRect();
      if (!r || !s) throw new Error("missing element");
      return r.left < s.right && s.left < r.right && r.top < s.bottom && s.top < r.bottom;
    },
    [a, b] as const,
  );
}

suite("inbox polish: empty folder, long site name, dark viewer, images in the page copy (Chromium)", () => {
  const ws = chatWorkspace("polish", { sitesYaml: (origin) => demoSitesYaml(origin).replace("name: Airlock demo site (served by Airlock itself in dev mode)", `name: "${LONG_NAME}"`) });

  it("says nobody is waiting once, and a long site name stays out of the heading's way at 1280 and 700 px", async () => {
    const alex = await ws.agent("agent");
    const list = alex.locator(".inbox-conversations");
    await list.getByText("Nobody is waiting.").waitFor();
    expect(await list.getByText(/no one waiting|nobody is waiting/i).count()).toBe(1);
    for (const width of [1280, 700]) {
      await alex.setViewportSize({ width, height: 800 });
      expect(await overlap(alex, ".inbox-page .page-header h1", ".inbox-page .page-header select"), `${width}`).toBe(false);
      const select = await alex.locator(".inbox-page .page-header select").boundingBox();
      expect((select?.x ?? 0) + (select?.width ?? 0)).toBeLessThanOrEqual(width);
      expect(await alex.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBe(0);
      await ws.shot(alex, `01-empty-long-site-${width}`);
    }
    await expectNoAxeViolations(alex, [".inbox-page"]);
  }, 120_000);

  it("in dark mode the docked viewer's bar is dark with readable buttons, and the page copy shows the shop's images", async () => {
    const alex = await ws.agent("agent");
    await alex.emulateMedia({ colorScheme: "dark" });
    const visitor = await ws.visitor();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = widget(visitor).getByRole("textbox", { name: "Type your message" });
    await input.fill("Please look at these products.");
    await input.press("Enter");
    const pane = alex.locator(".inbox-conversation");
    await pane.getByRole("button", { name: "Accept" }).click();
    await pane.getByRole("button", { name: "Co-browse" }).click();
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    const dock = alex.getByRole("region", { name: /^Co-browse with Visitor \d{4}$/ });
    const copy = dock.frameLocator("iframe");
    await copy.getByRole("heading", { level: 1 }).first().waitFor();

    // The shop's product images load through the asset proxy.
    const images = copy.locator("img");
    await expect.poll(() => images.count()).toBeGreaterThan(0);
    await expect.poll(() => images.evaluateAll((all) => all.filter((i) => (i as HTMLImageElement).naturalWidth > 0).length)).toBe(await images.count());

    const colors = await dock.getByRole("button", { name: "Fit width" }).evaluate((b) => {
      const s = getComputedStyle(b);
      return { fg: s.color, bg: s.backgroundColor };
    });
    const stage = await dock.locator(".cb-stage").evaluate((s) => getComputedStyle(s).backgroundColor);
    expect(colors.fg).not.toBe(colors.bg);
    // Not the light theme's white button and pale stage.
    expect(colors).not.toMatchObject({ bg: "rgb(255, 255, 255)" });
    expect(stage).not.toBe("rgb(232, 236, 243)");
    await ws.shot(alex, "02-dark-docked-viewer-1280");
    await expectNoAxeViolations(alex, [".cb-bar"]);
    await alex.setViewportSize({ width: 700, height: 900 });
    await alex.locator(".inbox-switcher").getByRole("button", { name: "Co-browse" }).click();
    await ws.shot(alex, "03-dark-docked-viewer-700");
  }, 120_000);
});
