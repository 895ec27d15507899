import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { answers, openCastAgent, openCastVisitor, startCobrowseAirlock, startFromList, visitorSession, type CastMember, type CastVisitor } from "./cobrowse-cast.js";
import type { DemoAirlock } from "./demo-airlock.js";

// Who is watching, live. Alex (agent) shares a visitor's page; Sam (supervisor) joins the running
// session: the visitor is asked by name and role, Sam sees nothing before the yes; the sharing bar
// then lists both with their roles; the visitor removes Sam alone (Alex goes on); Sam asks again
// after the policy's pause and is let in; Alex leaves and disappears from the bar at once. Every
// step is in the audit trail as metadata. Screenshots: test-results/screenshots/watchers-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("every watcher is named to the visitor, live (Chromium, real relay, two agents)", () => {
  let demo: DemoAirlock;
  let tb: TestBrowser;
  let visitor: CastVisitor;
  let alex: CastMember;
  let sam: CastMember;
  let cobrowseSession = "";
  const samsPageCopyHeading = () => sam.page.frameLocator("iframe").locator("h1");

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    // A short pause after a "no", so Sam may ask again within the test.
    demo = await startCobrowseAirlock([["consentPause: { seconds: 60,", "consentPause: { seconds: 2,"]]);
    tb = await launchBrowser();
    visitor = await openCastVisitor(tb.browser, demo, "watchers");
    cobrowseSession = await visitorSession(visitor);
    alex = await openCastAgent(tb.browser, demo, "agent", "/console/cobrowse", "watchers");
    sam = await openCastAgent(tb.browser, demo, "supervisor", "/console/cobrowse", "watchers");
  });
  afterAll(async () => {
    await tb?.close();
    await demo?.stop();
  });

  it("names the first agent with their role; the bar says who is viewing", async () => {
    await startFromList(alex, cobrowseSession, "Start co-browsing");
    const prompt = visitor.page.getByRole("dialog", { name: "Share this page with Alex Agent?" });
    await expect(prompt.innerText()).resolves.toContain("Alex Agent (support agent)");
    await prompt.getByRole("button", { name: "Share my screen" }).click();
    await expect.poll(() => visitor.bar().innerText()).toContain("Alex Agent is viewing this page");
    await expect(visitor.bar().innerText()).resolves.toContain("support agent");
  });

  it("asks the visitor by name before a supervisor joining the running session sees anything", async () => {
    await sam.page.goto(`${demo.origin}/console/cobrowse`);
    await startFromList(sam, cobrowseSession, "Join");
    const prompt = visitor.page.getByRole("dialog", { name: "Let Sam Supervisor watch too?" });
    await prompt.waitFor();
    await expect(prompt.innerText()).resolves.toContain("Sam Supervisor (supervisor)");
    await sam.page.getByText("Waiting for the visitor to let you see the page…").waitFor();
    expect(await samsPageCopyHeading().count()).toBe(0);
    await visitor.shot("01-supervisor-asks-to-watch");
    await sam.shot("01-waiting-for-yes");

    await prompt.getByRole("button", { name: "Let Sam Supervisor watch" }).click();
    await samsPageCopyHeading().first().waitFor();
    const list = visitor.bar().getByRole("list", { name: "Watching now" });
    await expect.poll(() => list.getByRole("listitem").allInnerTexts()).toEqual([expect.stringMatching(/^Alex Agent\s+support agent\s+Remove$/), expect.stringMatching(/^Sam Supervisor\s+supervisor\s+Remove$/)]);
    await expect(visitor.bar().innerText()).resolves.toContain("2 people from support are watching this page");
    await expect.poll(() => alex.page.getByTestId("cb-watchers").innerText()).toBe("Watching now: Alex Agent (you), Sam Supervisor");
    await visitor.shot("02-watcher-list-two-agents");
    await alex.shot("02-watcher-list-two-agents");
  });

  it("the visitor removes the supervisor alone: his view ends with the reason, Alex watches on", async () => {
    await visitor.bar().getByRole("button", { name: "Remove Sam Supervisor" }).click();
    await sam.page.getByText("The visitor removed you from the people watching their page.").waitFor();
    await expect.poll(() => visitor.bar().innerText()).toContain("Alex Agent is viewing this page");
    expect(await visitor.bar().innerText()).not.toContain("Sam Supervisor");
    await expect.poll(() => alex.page.getByTestId("cb-watchers").innerText()).toBe("Watching now: Alex Agent (you)");
    await visitor.shot("03-supervisor-removed");
  });

  it("the supervisor asks again after the pause and is let in; Alex leaves and disappears from the bar at once", async () => {
    await sam.page.goto(`${demo.origin}/console/cobrowse`);
    await startFromList(sam, cobrowseSession, "Join");
    const prompt = visitor.page.getByRole("dialog", { name: "Let Sam Supervisor watch too?" });
    // Within the pause Sam is told and gets "Ask the visitor again" when it is over (server-sent).
    await expect
      .poll(async () => {
        if (await prompt.isVisible()) return true;
        const again = sam.page.getByRole("button", { name: "Ask the visitor again" });
        if (await again.isVisible()) await again.click();
        return false;
      }, { timeout: 15_000 })
      .toBe(true);
    await prompt.getByRole("button", { name: "Let Sam Supervisor watch" }).click();
    await expect.poll(() => visitor.bar().innerText()).toContain("2 people from support are watching this page");

    await alex.page.getByRole("button", { name: "Leave session" }).click();
    await expect.poll(() => visitor.bar().innerText()).toContain("Sam Supervisor is viewing this page");
    expect(await visitor.bar().innerText()).not.toContain("Alex Agent");
    await expect(sam.page.getByTestId("cb-watchers").innerText()).resolves.toBe("Watching now: Sam Supervisor (you)");
    await visitor.shot("04-alex-left");
    expect(answers(visitor)).toEqual(["view:granted", "view:granted", "view:granted"]);
  });

  it("audits each watcher joining and leaving and each consent step with mode and the agent it named (metadata only)", async () => {
    const db = demo.server.services.storage.db;
    const actions = async () =>
      (await db.selectFrom("audit_log").select(["action", "target", "actor"]).where("target", "like", `room:${cobrowseSession}@%`).orderBy("seq").execute()).filter((r) => /^cobrowse\.(consent|watcher)/.test(r.action));
    await expect.poll(async () => (await actions()).length).toBeGreaterThanOrEqual(12);
    const rows = await actions();
    // Agent ids are Airlock's own (from the IdP issuer and subject): name them A (Alex) and S (Sam) in order of appearance.
    const ids: string[] = [];
    const alias = (text: string) =>
      text.replace(/agent:([A-Za-z0-9._:@|/+=-]+)/g, (_, id: string) => {
        if (!ids.includes(id)) ids.push(id);
        return `agent:${"AS"[ids.indexOf(id)] ?? "?"}`;
      });
    const named = rows.map((r) => alias(`${r.action} ${r.actor} ${r.target?.split("#")[1] ?? ""}`.trim()));
    expect(named).toEqual([
      "cobrowse.consent.asked.view agent:A agent:A",
      "cobrowse.consent.given.view visitor:demo agent:A",
      "cobrowse.watcher.join agent:A",
      "cobrowse.consent.asked.view agent:S agent:S",
      "cobrowse.consent.given.view visitor:demo agent:S",
      "cobrowse.watcher.join agent:S",
      "cobrowse.consent.revoked.view visitor:demo agent:S",
      "cobrowse.watcher.leave.removed_by_visitor agent:S",
      "cobrowse.consent.asked.view agent:S agent:S",
      "cobrowse.consent.given.view visitor:demo agent:S",
      "cobrowse.watcher.join agent:S",
      "cobrowse.watcher.leave.agent_left agent:A",
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/Alex|Sam|Northwind/);
    expect([...visitor.problems, ...alex.problems, ...sam.problems]).toEqual([]);
  });
});
