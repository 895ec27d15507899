import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { clickInPageCopy, grantControl, pageCopyNodeId, shareWithAgent, type SharedSession } from "./control-session.js";
import { demoInBrowser } from "./demo-airlock.js";

// What an agent did in control mode is in the audit trail as metadata only: each control action
// (kind and node id) and each refused control event with who refused it and why — never a typed
// value or page content — and without flooding: keystrokes on one node in one burst are one entry
// (src/relay/control-audit.ts has the rule).

const suite = chromiumPath ? describe : describe.skip;

interface Row {
  actor: string;
  action: string;
  target: string | null;
  decision: string;
  rule: string | null;
}

suite("control actions and refusals in the audit trail", () => {
  const env = demoInBrowser();
  let s: SharedSession;

  const controlRows = async (): Promise<Row[]> =>
    (await env.demo.server.services.storage.db
      .selectFrom("audit_log")
      .select(["actor", "action", "target", "decision", "rule"])
      .where("action", "like", "cobrowse.control%")
      .orderBy("seq")
      .execute());

  it("records each click and each typing burst with kind and node, each refusal with its reason, never a value", async () => {
    s = await shareWithAgent(env.browser, env.demo, "/demo/checkout", "control-audit");
    await grantControl(s);
    const agent = s.agent.person.page;
    const address = await pageCopyNodeId(s.agent, "#address");
    const card = await pageCopyNodeId(s.agent, "#card");
    const city = await pageCopyNodeId(s.agent, "#city");

    // One click and twelve keystrokes on the address field.
    await clickInPageCopy(s.agent, "#address");
    await agent.getByLabel("Type into the visitor's field").waitFor();
    await agent.keyboard.type("Marktplatz 1");
    await expect.poll(() => s.visitor.page.inputValue("#address")).toBe("Marktplatz 1");
    await agent.keyboard.press("Escape");
    // A click the relay refuses (payment-card field).
    await clickInPageCopy(s.agent, "#card");
    await expect.poll(() => s.agent.status()).toContain("private");
    // Keystrokes the page refuses after the first three (the field takes three characters).
    await s.visitor.page.locator("#city").evaluate((el) => el.setAttribute("maxlength", "3"));
    await expect.poll(() => s.agent.replica.count("#city[maxlength='3']")).toBe(1);
    await clickInPageCopy(s.agent, "#city");
    await agent.getByLabel("Type into the visitor's field").waitFor();
    await agent.keyboard.type("Berlin", { delay: 40 });
    await expect.poll(() => s.agent.status()).toContain("too long");
    expect(await s.visitor.page.inputValue("#city")).toBe("Ber");

    const session = (t: string | null) => (t ?? "").replace(/\/node:\d+$/, "");
    await expect
      .poll(async () => (await controlRows()).map((r) => [r.action, r.decision, r.rule, r.target?.replace(/^.*\/node:/, "node:")]))
      .toEqual([
        ["cobrowse.control.click", "success", null, `node:${address}`],
        ["cobrowse.control.input", "success", null, `node:${address}`],
        ["cobrowse.control.click", "deny", "relay:node_masked", `node:${card}`],
        ["cobrowse.control.click", "success", null, `node:${city}`],
        ["cobrowse.control.input", "success", null, `node:${city}`],
        ["cobrowse.control.input", "deny", "page:value_too_long", `node:${city}`],
      ]);
    const rows = await controlRows();
    for (const r of rows) {
      expect(r.actor).toBe(rows[0]?.actor);
      expect(r.actor).toMatch(/^agent:[A-Za-z0-9-]+$/);
      expect(session(r.target)).toMatch(/^room:[A-Za-z0-9_-]+@[A-Za-z0-9_-]+$/);
    }
    // Metadata only: nothing typed and nothing of the page is in the trail.
    const all = JSON.stringify(await env.demo.server.services.storage.db.selectFrom("audit_log").selectAll().execute());
    for (const typed of ["Marktplatz", "Berl", "Ber\"", "Checkout", "Delivery"]) expect(all).not.toContain(typed);
  });
});
