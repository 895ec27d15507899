import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { GROUP, PATCH_OP, scimClientFor, USER } from "../scim/scim-client.js";
import { demoInBrowser } from "./demo-airlock.js";
import { openVisitor, signInAgent } from "./people.js";
import { PageCopyView } from "./page-copy-view.js";

// An agent co-browsing in the console when the company IdP deactivates them through SCIM: the
// viewer's socket is closed (account_deactivated), the console signs them out and says why, the
// login session is gone, and signing in again is refused with a sentence.
// Screenshots: test-results/screenshots/scim-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("an agent deactivated by the IdP while co-browsing (Chromium, SCIM)", () => {
  const env = demoInBrowser();

  it("is thrown out of the console with a sentence, and cannot sign in again", async () => {
    const { demo, browser } = env;
    const scim = await scimClientFor(demo.server, "entra");
    const user = await scim.call("POST", "/Users", { schemas: [USER], userName: "agent@airlock.test", displayName: "Alex Agent", active: true });
    await scim.call("POST", "/Groups", { schemas: [GROUP], displayName: "airlock-agents", members: [{ value: String(user.body.id) }] });

    const visitor = await openVisitor(browser, `${demo.origin}/demo`, "scim");
    await visitor.page.getByRole("heading", { name: "Office goods for careful people" }).waitFor();
    const agent = await signInAgent(browser, demo.origin, "/console/cobrowse", "agent", "scim");
    const page = agent.page;
    await page.getByRole("button", { name: /^Start co-browsing/ }).click();
    await page.waitForURL(/\/console\/cobrowse\/[A-Za-z0-9_-]+$/);
    await visitor.page.getByRole("button", { name: "Share my screen" }).click();
    await expect.poll(() => new PageCopyView(page).text("h1"), { timeout: 20_000 }).toBe("Office goods for careful people");
    await agent.shot("01-cobrowsing-before");
    const problemsBefore = agent.problems.length;

    const db = demo.server.services.storage.db;
    const { id: agentId } = await db.selectFrom("agent").select("id").where("subject", "=", "demo-agent").executeTakeFirstOrThrow();
    expect((await db.selectFrom("agent_session").select("id_hash").where("agent_id", "=", agentId).execute()).length).toBeGreaterThan(0);

    // Entra ID's deactivation.
    const off = await scim.call("PATCH", `/Users/${String(user.body.id)}`, { schemas: [PATCH_OP], Operations: [{ op: "Replace", path: "active", value: "False" }] });
    expect(off.status).toBe(200);

    // Only a socket closed with account_deactivated sends the console here with ended=deactivated.
    await page.waitForURL((u) => u.pathname === "/console/sign-in" && u.searchParams.get("ended") === "deactivated", { timeout: 10_000 });
    const notice = page.locator(".notice-warning");
    await expect(notice.innerText()).resolves.toBe("Your organisation has deactivated your Airlock account, so you were signed out. Ask your administrator if this is a mistake.");
    await agent.shot("02-signed-out-deactivated");
    expect(await db.selectFrom("agent_session").select("id_hash").where("agent_id", "=", agentId).execute()).toEqual([]);

    // Signing in again at the IdP is refused by Airlock, in words.
    // The IdP still has its own session (SCIM deactivation is Airlock's side), so it answers at once.
    await page.getByTestId("sign-in").click();
    await page.getByRole("heading", { name: "Sign-in failed" }).waitFor();
    await expect(page.locator("main").innerText()).resolves.toContain("Your organisation has deactivated your Airlock account, so you cannot sign in.");
    await agent.shot("03-sign-in-refused");
    expect(await db.selectFrom("agent_session").select("id_hash").where("agent_id", "=", agentId).execute()).toEqual([]);
    // Being thrown out adds no console error of its own (the signed-out console's 401s are by design).
    expect(agent.problems.slice(problemsBefore).filter((p) => !/status of 40[13]/.test(p))).toEqual([]);
  }, 120_000);
});
