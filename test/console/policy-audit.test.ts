import type { BrowserContext, Page } from "playwright-core";
import { sql } from "kysely";
import { recordAudit } from "../../src/audit/trail.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInEnrolled, startIdentityServer } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";

const suite = chromiumPath ? describe : describe.skip;

/** CSP violations, Trusted Types refusals and script errors: these pages must cause none. */
function watchProblems(page: Page): string[] {
  page.setDefaultTimeout(10_000);
  const problems: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  return problems;
}

// The effective-policy and audit pages in real Chromium, signed in through the dev IdP: the
// session is established over HTTP (OIDC + TOTP) and its cookie handed to the browser.
suite("effective policy and audit pages in Chromium", () => {
  let server: TestServer;
  let tb: TestBrowser;
  const contexts: BrowserContext[] = [];

  /** A browser page signed in as a demo user. */
  async function pageAs(login: string): Promise<{ page: Page; problems: string[] }> {
    const { agent } = await signInEnrolled(server, login);
    const context = await tb.browser.newContext({ viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    await context.addCookies([{ name: "__Host-airlock", value: agent.cookies.get("__Host-airlock") ?? "", domain: "127.0.0.1", path: "/", secure: true, httpOnly: true, sameSite: "Strict" }]);
    const page = await context.newPage();
    return { page, problems: watchProblems(page) };
  }
  const shot = async (page: Page, name: string, fullPage = true) => {
    await page.evaluate(() => window.scrollTo(0, 0)); // the sticky top bar stays at the top of a full-page shot
    await page.screenshot({ path: screenshotPath(`console-policy-audit-${name}`), fullPage });
  };
  const navLinks = (page: Page) => page.getByRole("navigation", { name: "Console" }).getByRole("link").allInnerTexts();

  let auditor: { page: Page; problems: string[] };
  beforeAll(async () => {
    server = await startIdentityServer();
    tb = await launchBrowser();
    auditor = await pageAs("auditor");
  });
  afterAll(async () => {
    for (const c of contexts) await c.close();
    await tb?.close();
    await server?.stop();
  });

  it("offers Audit and Effective policy only to roles with audit:read and policy:read", async () => {
    const { page } = auditor;
    await page.goto(`${server.url}/console/`);
    await page.getByRole("heading", { name: /^Welcome,/ }).waitFor();
    expect(await navLinks(page)).toEqual(expect.arrayContaining(["Audit", "Effective policy"]));

    const admin = await pageAs("admin");
    await admin.page.goto(`${server.url}/console/`);
    await admin.page.getByRole("heading", { name: /^Welcome,/ }).waitFor();
    expect(await navLinks(admin.page)).toEqual(expect.arrayContaining(["Audit", "Effective policy"]));

    const agent = await pageAs("agent");
    await agent.page.goto(`${server.url}/console/`);
    await agent.page.getByRole("heading", { name: /^Welcome,/ }).waitFor();
    const agentNav = await navLinks(agent.page);
    expect(agentNav).not.toContain("Audit");
    expect(agentNav).not.toContain("Effective policy");
    for (const path of ["/console/audit", "/console/policy"]) {
      await agent.page.goto(`${server.url}${path}`);
      await agent.page.getByRole("heading", { name: "Not allowed" }).waitFor();
    }
    expect([...admin.problems, ...agent.problems]).toEqual([]);
  });

  it("shows the effective policy file by file with its hash", async () => {
    const { page, problems } = auditor;
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Effective policy" }).click();
    await page.getByRole("heading", { name: "Effective policy", level: 1 }).waitFor();
    expect(await page.getByTestId("policy-hash").innerText()).toBe(server.services.policy.hash);
    const tabs = page.getByRole("tab");
    expect(await tabs.allInnerTexts()).toEqual(["access.yaml", "cobrowse.yaml", "sites.yaml", "sanitize.yaml", "session.yaml", "network.yaml", "retention.yaml", "routing.yaml", "attachments.yaml", "webhooks.yaml"]);
    await expect(page.getByRole("tabpanel").innerText()).resolves.toContain("auditor");
    await shot(page, "01-policy-access");

    await page.getByRole("tab", { name: "retention.yaml" }).click();
    const retention = page.getByRole("tabpanel", { name: "retention.yaml" });
    await expect(retention.innerText()).resolves.toMatch(/chatTranscripts[\s\S]*days\s+90/);
    // Keyboard: the arrow keys move between files.
    await page.keyboard.press("ArrowLeft");
    await expect(page.getByRole("tab", { name: "network.yaml" }).getAttribute("aria-selected")).resolves.toBe("true");
    await page.getByRole("tab", { name: "retention.yaml" }).click();
    await shot(page, "02-policy-retention");
    expect(problems).toEqual([]);
  });

  it("explains a decision: the verdict, the deciding rule and where it is written", async () => {
    const { page, problems } = auditor;
    await page.getByLabel("Action").selectOption("cobrowse:control");
    await page.getByLabel("Role").selectOption("agent");
    await page.getByLabel("Co-browse mode the visitor granted").selectOption("control");
    await page.getByLabel("Visitor consented to control").check();
    await page.getByRole("button", { name: "Explain" }).click();
    await expect(page.getByTestId("explain-verdict").innerText()).resolves.toBe("Allowed");
    expect(await page.getByTestId("explain-rule").innerText()).toBe("access.roles.agent");
    await expect(page.getByTestId("explain-result").innerText()).resolves.toContain("access.yaml › roles.agent");
    await shot(page, "03-explain-allowed");

    await page.getByLabel("Visitor consented to control").uncheck();
    await page.getByRole("button", { name: "Explain" }).click();
    await page.getByTestId("explain-rule").getByText("condition.control-needs-grant-and-consent").waitFor();
    expect(await page.getByTestId("explain-verdict").innerText()).toBe("Denied");
    await expect(page.getByTestId("explain-result").innerText()).resolves.toContain("the visitor has not consented to control mode");
    await shot(page, "04-explain-denied");

    await page.getByLabel("Role").selectOption("agent-viewer");
    await page.getByRole("button", { name: "Explain" }).click();
    await page.getByTestId("explain-rule").getByText("default-deny").waitFor();
    await expect(page.getByTestId("explain-result").innerText()).resolves.toContain("built-in rule");
    expect(problems).toEqual([]);
  });

  it("lists the audit trail newest first, pages back, and filters, including the auditor's own reads", async () => {
    const { page, problems } = auditor;
    for (let i = 0; i < 60; i++) {
      await recordAudit(server.services.storage.db, { actor: "agent:fixture", action: "chatlog:read", target: `conversation:c${i}`, decision: "allow", rule: "access.roles.auditor", sourceAddress: "10.0.0.7" });
    }
    const total = Number((await server.services.storage.db.selectFrom("audit_log").select((eb) => eb.fn.countAll().as("n")).executeTakeFirstOrThrow()).n);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Audit" }).click();
    await page.getByRole("heading", { name: "Audit", level: 1 }).waitFor();
    const rows = page.locator("tbody tr[data-seq]");
    await page.getByText("50 entries shown, newest first; older ones follow.").waitFor();
    await shot(page, "05-audit");
    const more = page.getByRole("button", { name: "Load older entries" });
    await more.click();
    await more.waitFor({ state: "hidden" });
    const seqs = (await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.getAttribute("data-seq")))));
    expect(seqs.length).toBeGreaterThanOrEqual(total); // the page's own audit:read entries come on top
    expect([...seqs].sort((a, b) => b - a)).toEqual(seqs);
    expect(seqs.at(-1)).toBe(1);
    await expect(page.locator("tbody").innerText()).resolves.toContain("policy.changed");

    await page.getByLabel("Action").fill("policy:read");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.waitForURL(/\/console\/audit\?action=policy%3Aread$/);
    // The unfiltered list stays on screen until the filtered one replaces it: wait for the rows, not the caption.
    const actionCells = page.locator("tbody tr[data-seq] td:nth-child(4)");
    await expect.poll(async () => [...new Set(await actionCells.allInnerTexts())]).toEqual(["policy:read"]);
    await page.getByText(/entries shown, newest first|entry shown, newest first/).waitFor();
    expect((await actionCells.allInnerTexts()).length).toBeGreaterThanOrEqual(3); // the policy page and two explains
    expect(await page.getByRole("button", { name: "Load older entries" }).isHidden()).toBe(true);
    await shot(page, "06-audit-filtered");

    // A filter the server refuses is explained, naming the field.
    await page.getByLabel("Actor").fill("agent with spaces");
    await page.getByRole("button", { name: "Apply filters" }).click();
    await page.getByText(/Check the filters: actor:/).waitFor();
    await page.getByRole("button", { name: "Clear" }).click();
    await page.waitForURL(/\/console\/audit$/);
    // The refused request itself is logged by Chromium as a failed resource load, by design.
    expect(problems.filter((p) => !/status of 400/.test(p))).toEqual([]);
    problems.length = 0;
  });

  it("verifies the chain: intact, then the first broken link with its sequence number and why", async () => {
    const { page, problems } = auditor;
    await page.getByRole("button", { name: "Verify chain" }).click();
    await expect(page.getByTestId("verify-verdict").innerText()).resolves.toBe("The audit trail is intact.");
    await shot(page, "07-verify-intact", false);

    // Someone with database rights removes the append-only trigger and rewrites an entry.
    const db = server.services.storage.db;
    const victim = await db.selectFrom("audit_log").select("seq").where("action", "=", "policy:read").orderBy("seq").executeTakeFirstOrThrow();
    await sql`drop trigger audit_log_no_update`.execute(db);
    await db.updateTable("audit_log").set({ decision: "deny" }).where("seq", "=", victim.seq).execute();

    await page.getByRole("button", { name: "Verify chain" }).click();
    await page.getByText(`The audit trail is broken at entry #${victim.seq}.`).waitFor();
    await expect(page.getByTestId("verify-reason").innerText()).resolves.toContain("content was altered");
    await shot(page, "08-verify-broken", false);
    expect(problems).toEqual([]);
  });
});
