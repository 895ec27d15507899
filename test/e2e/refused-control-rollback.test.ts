import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { clickInPageCopy, grantControl, shareWithAgent, typerText, type SharedSession } from "./control-session.js";
import { demoInBrowser } from "./demo-airlock.js";

// A refused control event rolls the agent's page copy back to the visitor's real state: what the
// agent typed into a field the relay or the visitor's page refused vanishes, and the page copy
// shows the value the page really holds. Covers both refusers: the relay (a card field, and a
// field the page turns into one while the agent types) and the page (a value longer than the
// field's maxlength). Screenshots: test-results/screenshots/rollback-*.png.

const suite = chromiumPath ? describe : describe.skip;
const BULLET = "\u2022";

suite("a refused control event rolls the agent's replica back", () => {
  const env = demoInBrowser();
  let s: SharedSession;

  it("shows nothing the agent typed into the card field the relay refuses", async () => {
    s = await shareWithAgent(env.browser, env.demo, "/demo/checkout", "rollback");
    await grantControl(s);
    await clickInPageCopy(s.agent, "#card");
    await expect.poll(() => s.agent.status()).toMatch(/card|private/i);
    await s.agent.person.page.keyboard.type("4000");
    await s.agent.person.page.waitForTimeout(300);
    expect(await typerText(s.agent)).toBe("");
    expect(await s.agent.replica.value("#card")).toBe("");
    expect(await s.visitor.page.inputValue("#card")).toBe("");
    await s.agent.person.shot("rollback-card");
  });

  it("drops what the agent typed once the visitor's page refuses it, and shows the page's real value", async () => {
    // The shop's own script limits the field (as a page may at any time).
    await s.visitor.page.locator("#city").evaluate((el) => el.setAttribute("maxlength", "5"));
    await expect.poll(() => s.agent.replica.count("#city[maxlength='5']")).toBe(1);
    await clickInPageCopy(s.agent, "#city");
    await s.agent.person.page.getByLabel("Type into the visitor's field").waitFor();
    await s.agent.person.page.keyboard.type("Berlin-Mitte", { delay: 30 });
    await expect.poll(() => s.agent.status()).toContain("too long");
    // The page kept what fitted; the agent's box is gone and the page copy shows that real state.
    expect(await s.visitor.page.inputValue("#city")).toBe("Berli");
    await expect.poll(() => typerText(s.agent)).toBe("");
    await expect.poll(() => s.agent.replica.value("#city")).toBe(BULLET.repeat(5));
    await s.agent.person.shot("rollback-page-refused");
    await s.visitor.shot("rollback-page-refused");
  });

  it("drops what the agent typed once the relay refuses a field that became private mid-typing", async () => {
    await clickInPageCopy(s.agent, "#email");
    await s.agent.person.page.getByLabel("Type into the visitor's field").waitFor();
    await s.agent.person.page.keyboard.type("dana@");
    await expect.poll(() => s.visitor.page.inputValue("#email")).toBe("dana@");
    // The page turns the field into a payment-card field: from now on it is the visitor's alone.
    await s.visitor.page.locator("#email").evaluate((el) => el.setAttribute("autocomplete", "cc-number"));
    await expect.poll(() => s.agent.replica.count("#email[autocomplete='cc-number']")).toBe(1);
    await s.agent.person.page.keyboard.type("example.com");
    await expect.poll(() => typerText(s.agent)).toBe("");
    await expect.poll(() => s.agent.status()).toContain("private");
    expect(await s.visitor.page.inputValue("#email")).toBe("dana@");
    await expect.poll(() => s.agent.replica.value("#email")).toBe(BULLET.repeat(5));
    expect(s.visitor.problems).toEqual([]);
    expect(s.agent.person.problems).toEqual([]);
  });
});
