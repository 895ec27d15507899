import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { shareWithAgent, type SharedSession } from "./control-session.js";
import { demoInBrowser } from "./demo-airlock.js";

// The page copy has the visitor's geometry: a masked or nosync block arrives as an empty box that
// keeps the element's whole box (size, margins, padding, border), so the page is as tall as the
// visitor's and everything below a private block sits where it sits for the visitor (scroll
// positions mean the same on both sides). And the page copy shows <select> choices.

const suite = chromiumPath ? describe : describe.skip;

suite("replica geometry and form choices", () => {
  const env = demoInBrowser();
  let s: SharedSession;

  it("keeps the page height and every position below a private block the same as the visitor's", async () => {
    s = await shareWithAgent(env.browser, env.demo, "/demo/account", "geometry");
    // The nosync bank details, the masked security questions, and what follows them.
    const visitorSelectors = ["#bank-details", "section[data-private]", "#password", "#orders-chart"];
    // In the page copy the two blocks are the first two block placeholders ("masked:N").
    const pageCopySelectors = ["masked:0", "masked:1", "#password", "#orders-chart"];
    // Document height and the top of each element, in document coordinates, on both sides.
    const visitorLayout = await s.visitor.page.evaluate((sels) => ({
      height: document.documentElement.scrollHeight,
      tops: sels.map((sel) => Math.round((document.querySelector(sel)?.getBoundingClientRect().top ?? NaN) + scrollY)),
    }), visitorSelectors);
    const pageCopyLayout = await s.agent.person.page.evaluate((sels) => {
      const doc = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument;
      if (!doc) return undefined;
      const win = doc.defaultView as Window;
      return {
        height: doc.documentElement.scrollHeight,
        tops: sels.map((sel) => {
          const el = sel.startsWith("masked:") ? doc.querySelectorAll("div[data-airlock-masked]")[Number(sel.slice(7))] : doc.querySelector(sel);
          return Math.round((el?.getBoundingClientRect().top ?? NaN) + win.scrollY);
        }),
      };
    }, pageCopySelectors);
    expect(await s.agent.replica.count("[data-airlock-masked]")).toBeGreaterThanOrEqual(2);
    expect(pageCopyLayout).toEqual(visitorLayout);
    await s.visitor.shot("geometry-account");
    await s.agent.person.shot("geometry-account");
  });

  it("shows the visitor's <select> choice", async () => {
    await s.visitor.page.getByRole("link", { name: "Checkout" }).first().click();
    await expect.poll(() => s.agent.replica.text("h1")).toBe("Checkout");
    await s.visitor.page.locator("#country").selectOption("ch");
    await expect.poll(() => s.agent.replica.value("#country")).toBe("ch");
    expect(await s.agent.person.page.evaluate(() => {
      const sel = document.querySelector<HTMLIFrameElement>(".cb-scaler iframe")?.contentDocument?.querySelector("#country") as HTMLSelectElement | null;
      return sel?.selectedOptions[0]?.textContent ?? "";
    })).toBe("Switzerland");
    await s.agent.person.shot("geometry-select");
  });
});
