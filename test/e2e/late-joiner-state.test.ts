import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { admitWatcher, agentJoins, joinFromList, pageCopyFocus, pageCopyFocusVisible, pageCopyScrollTop, shareWithAgent, type SharedSession, type Watcher } from "./control-session.js";
import { demoInBrowser } from "./demo-airlock.js";

// A supervisor who joins a running session sees the page as it is now, not as it was when the
// snapshot was taken: the scroll of the document and of every scrolled box, the current (masked)
// form values, <select> choices and focus. The relay keeps this latest state in the room's
// memory for agents who join late. Screenshots: test-results/screenshots/late-joiner-*.png.

const suite = chromiumPath ? describe : describe.skip;
const BULLET = "\u2022";

suite("a late joiner sees the visitor's page as it is now", () => {
  const env = demoInBrowser();
  let s: SharedSession;
  let supervisor: Watcher;

  it("gets the current scroll of the document and of a scrolled box, and the focus", async () => {
    // The visitor is far down the long guide when sharing starts: the snapshot says 1500.
    s = await shareWithAgent(env.browser, env.demo, "/demo/guide", "late-joiner");
    await s.visitor.page.evaluate(() => window.scrollTo(0, 1500));
    await expect.poll(() => s.agent.replica.scrollY()).toBe(1500);
    // Then scrolls back up, scrolls the FAQ box and focuses it.
    await s.visitor.page.evaluate(() => window.scrollTo(0, 0));
    await s.visitor.page.locator("#faq").evaluate((el) => (el.scrollTop = 300));
    await s.visitor.page.locator("#faq").focus();
    await expect.poll(() => pageCopyScrollTop(s.agent, "#faq")).toBe(300);
    await expect.poll(() => s.agent.replica.scrollY()).toBe(0);

    supervisor = await agentJoins(env.browser, env.demo, "supervisor", "late-joiner-supervisor");
    await admitWatcher(s.visitor, async () => (await supervisor.replica.text("h1")) !== "");
    await expect.poll(() => supervisor.replica.scrollY()).toBe(0);
    await expect.poll(() => pageCopyScrollTop(supervisor, "#faq")).toBe(300);
    await expect.poll(() => pageCopyFocus(supervisor)).toBe("faq");
    // Whether the focus shows as keyboard focus (`:focus-visible`) reaches the late joiner too, and
    // follows the visitor: away and back with the keyboard, it does.
    const keyboardFocus = () => s.visitor.page.locator("#faq").evaluate((el) => el.matches(":focus-visible"));
    expect(await pageCopyFocusVisible(supervisor, "faq")).toBe(await keyboardFocus());
    await s.visitor.page.keyboard.press("Tab");
    await s.visitor.page.keyboard.press("Shift+Tab");
    expect(await keyboardFocus()).toBe(true);
    await expect.poll(() => pageCopyFocusVisible(supervisor, "faq")).toBe(true);
    await s.visitor.shot("late-joiner-guide");
    await supervisor.person.shot("late-joiner-guide");
  });

  it("gets the current masked values, <select> choice and focus of a form, and the scroll", async () => {
    await supervisor.person.page.getByRole("button", { name: "Leave session" }).click();
    await s.visitor.page.getByRole("link", { name: "Checkout" }).first().click();
    await s.visitor.page.getByRole("heading", { name: "Checkout" }).waitFor();
    await expect.poll(() => s.agent.replica.text("h1")).toBe("Checkout");
    await s.visitor.page.locator("#name").pressSequentially("Dana Demo");
    await s.visitor.page.locator("#country").selectOption("at");
    await s.visitor.page.locator("#email").pressSequentially("dana@example.com");
    await s.visitor.page.evaluate(() => window.scrollTo(0, 120));
    await expect.poll(() => s.agent.replica.value("#email")).toBe(BULLET.repeat(16));
    await expect.poll(() => s.agent.replica.value("#country")).toBe("at");

    await supervisor.person.page.getByRole("link", { name: "Co-browse" }).first().click();
    const again = await joinFromList(supervisor.person);
    await admitWatcher(s.visitor, async () => (await again.replica.text("h1")) === "Checkout");
    await expect.poll(() => again.replica.value("#name")).toBe(BULLET.repeat(9));
    await expect.poll(() => again.replica.value("#email")).toBe(BULLET.repeat(16));
    await expect.poll(() => again.replica.value("#country")).toBe("at");
    await expect.poll(() => pageCopyFocus(again)).toBe("email");
    await expect.poll(() => again.replica.scrollY()).toBe(120);
    await s.visitor.shot("late-joiner-checkout");
    await again.person.shot("late-joiner-checkout");
    // Nothing the visitor typed left the page.
    expect(s.visitor.sent.join("\n")).not.toContain("dana@example.com");
    expect(s.visitor.problems).toEqual([]);
  });
});
