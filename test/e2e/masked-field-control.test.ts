import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { replaceOnce, shipped } from "../policy/policy-dir.js";
import { clickInPageCopy, grantControl, shareWithAgent, typerText } from "./control-session.js";
import { demoInBrowser } from "./demo-airlock.js";

// A masked value never travels back as data. With control granted, an agent who clicks a field
// whose value it sees masked ("Full name" on the env.demo checkout) types a fresh value that replaces
// the visitor's whole value — it never appends to, or edits inside, the placeholder — and the
// page copy then shows the page's real (masked) state. Under policy `maskedFields.agentEdit: never` no typed value reaches a
// masked field at all (masked-value-relay.test.ts: the relay's side). Screenshots: test-results/screenshots/masked-edit-*.png.

const suite = chromiumPath ? describe : describe.skip;
const BULLET = "\u2022";

suite("control mode on a masked field, through the real relay", () => {
  const env = demoInBrowser();

  it("replaces the visitor's whole masked value with what the agent types; the replica shows the real result", async () => {
    const s = await shareWithAgent(env.browser, env.demo, "/demo/checkout", "masked-edit");
    await grantControl(s);
    await s.visitor.page.locator("#name").pressSequentially("Dana Demo");
    await expect.poll(() => s.agent.replica.value("#name")).toBe(BULLET.repeat(9));

    await clickInPageCopy(s.agent, "#name");
    const typer = s.agent.person.page.getByLabel("Type into the visitor's field");
    await typer.waitFor();
    // The box starts empty: the placeholder is not the visitor's value and is never sent back.
    expect(await typerText(s.agent)).toBe("");
    await expect.poll(() => s.agent.status()).toContain("replaces it completely");
    await s.agent.person.page.keyboard.type("Jane Doe");
    await expect.poll(() => s.visitor.page.inputValue("#name")).toBe("Jane Doe");
    await s.visitor.shot("masked-edit-typing");
    await s.agent.person.shot("masked-edit-typing");

    await s.agent.person.page.keyboard.press("Escape");
    // The page copy shows what the page really holds now: the new value, masked.
    await expect.poll(() => s.agent.replica.value("#name")).toBe(BULLET.repeat("Jane Doe".length));
    await s.visitor.shot("masked-edit-replaced");
    await s.agent.person.shot("masked-edit-replaced");

    // Clicking again and typing one character replaces the value again (never "Jane Doe!").
    await clickInPageCopy(s.agent, "#name");
    await typer.waitFor();
    expect(await typerText(s.agent)).toBe("");
    await s.agent.person.page.keyboard.type("!");
    await expect.poll(() => s.visitor.page.inputValue("#name")).toBe("!");
    expect(await s.visitor.page.inputValue("#name")).not.toContain(BULLET);
    expect(s.visitor.problems).toEqual([]);
    expect(s.agent.person.problems).toEqual([]);
    await s.visitor.page.context().close();
  });
});

suite("control mode on a masked field when policy lets agents never edit masked values", () => {
  const never = replaceOnce(shipped("cobrowse.yaml"), "maskedFields: { agentEdit: replace,", "maskedFields: { agentEdit: never,");
  const env = demoInBrowser({ policies: () => ({ "cobrowse.yaml": never }) });

  it("offers the agent no typing box on a masked field and says why; the page keeps its value", async () => {
    const s = await shareWithAgent(env.browser, env.demo, "/demo/checkout", "masked-never");
    await grantControl(s);
    await s.visitor.page.locator("#name").pressSequentially("Dana Demo");
    await expect.poll(() => s.agent.replica.value("#name")).toBe(BULLET.repeat(9));
    await clickInPageCopy(s.agent, "#name");
    await expect.poll(() => s.agent.status()).toContain("does not let agents change hidden values");
    expect(await typerText(s.agent)).toBe("");
    await s.agent.person.page.keyboard.type("Jane");
    await s.agent.person.shot("masked-never");
    expect(await s.visitor.page.inputValue("#name")).toBe("Dana Demo");
    await s.visitor.page.context().close();
  });
});
