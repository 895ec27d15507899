import { generate } from "otplib";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { startIdentityServer } from "../auth/helpers/login.js";

const suite = chromiumPath ? describe : describe.skip;

/** Collects CSP violations, Trusted Types errors and script errors: the console must have none. */
function watchProblems(page: Page): string[] {
  page.setDefaultTimeout(10_000); // a missing element fails at its step, not at the test timeout
  const problems: string[] = [];
  page.on("console", (m) => {
    // A signed-out console asks GET /api/v1/me and gets 401 by design; anything else is a problem.
    if (m.type() === "error" && !/status of 401/.test(m.text())) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  return problems;
}

/** The IdP's sign-in form, as a person fills it in. */
async function signInAtIdp(page: Page, login: string): Promise<void> {
  await page.getByLabel("Username").fill(login);
  await page.getByLabel("Password").fill(`${login}-demo`);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** Enrolls TOTP on the console's MFA page from the secret it shows; returns the recovery codes shown. */
async function enrollTotp(page: Page, shot?: (name: string) => Promise<void>): Promise<string[]> {
  await page.getByRole("heading", { name: "Set up your authenticator" }).waitFor();
  await page.getByText("Can't scan it? Enter the key by hand").click();
  const secret = (await page.getByTestId("totp-secret").innerText()).replace(/\s+/g, "");
  await shot?.("04-mfa-enrollment");
  await page.getByLabel("6-digit code").fill(await generate({ secret }));
  await page.getByRole("button", { name: "Turn on" }).click();
  await page.getByTestId("recovery-codes").waitFor();
  await shot?.("05-recovery-codes");
  const codes = await page.getByTestId("recovery-codes").getByRole("listitem").allInnerTexts();
  await page.getByRole("button", { name: /I have saved my codes/ }).click();
  return codes;
}

suite("console sign-in in Chromium, as a new agent would", () => {
  let server: TestServer;
  let tb: TestBrowser;
  beforeAll(async () => {
    server = await startIdentityServer();
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await server?.stop();
  });

  let agentContext: BrowserContext;
  let agentPage: Page;
  let agentProblems: string[];
  let agentRecoveryCodes: string[];

  it("goes from the start page through the dev IdP and TOTP enrollment to the dashboard", async () => {
    agentContext = await tb.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = (agentPage = await agentContext.newPage());
    agentProblems = watchProblems(page);
    const shot = async (name: string) => {
      await page.screenshot({ path: screenshotPath(`console-${name}`), fullPage: true });
    };

    await page.goto(`${server.url}/`);
    await page.getByRole("link", { name: "Sign in", exact: true }).click();
    await page.getByRole("heading", { name: "Sign in to Airlock" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/console/sign-in");
    await shot("01-sign-in");

    await page.getByTestId("sign-in").click();
    await page.getByLabel("Username").waitFor();
    expect(page.url().startsWith(server.url)).toBe(false); // at the IdP
    await shot("02-idp-login");
    await signInAtIdp(page, "agent");
    await page.waitForURL(/\/console\/mfa\?returnTo=/);
    await shot("03-mfa-landing");

    agentRecoveryCodes = await enrollTotp(page, shot);
    expect(agentRecoveryCodes).toHaveLength(10);
    await page.getByRole("heading", { name: /^Welcome,/ }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/console/");
    await shot("06-dashboard");

    // The Secure __Host- session cookie was accepted over http://127.0.0.1, with exactly the
    // attributes Airlock sets: a session cookie (no expiry), HttpOnly, SameSite=Strict, Path=/.
    const cookies = await agentContext.cookies(server.url);
    const session = cookies.find((c) => c.name === "__Host-airlock");
    expect(session).toMatchObject({ secure: true, httpOnly: true, sameSite: "Strict", path: "/", expires: -1, domain: "127.0.0.1" });
    expect(cookies.find((c) => c.name === "__Host-airlock-login")).toBeUndefined();
    expect(agentProblems).toEqual([]);
  });

  it("shows only the navigation the server's permissions allow, and refuses the rest", async () => {
    const page = agentPage;
    const nav = page.getByRole("navigation", { name: "Console" });
    const entries = await nav.getByRole("link").allInnerTexts();
    expect(entries).toEqual(expect.arrayContaining(["Dashboard", "My account"]));
    expect(entries).not.toContain("Sessions"); // sessions:manage is not among an agent's permissions
    await expect(page.getByTestId("permissions").innerText()).resolves.toContain("cobrowse:control");
    await expect(page.getByTestId("permissions").innerText()).resolves.not.toContain("sessions:manage");

    // Keyboard: on a fresh load the first Tab reaches the skip link, which moves focus to the content.
    await page.reload();
    await page.getByRole("heading", { name: /^Welcome,/ }).waitFor();
    await page.keyboard.press("Tab");
    await expect(page.evaluate(() => document.activeElement?.textContent)).resolves.toBe("Skip to content");
    await page.keyboard.press("Enter");
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe("main");

    await page.goto(`${server.url}/console/sessions`);
    await page.getByRole("heading", { name: "Not allowed" }).waitFor();
    await page.screenshot({ path: screenshotPath("console-07-not-allowed"), fullPage: true });
  });

  it("enforces Trusted Types: no string reaches an HTML sink and no other policy can be created", async () => {
    const outcome = await agentPage.evaluate(() => {
      const tries: Record<string, string> = {};
      try {
        document.body.insertAdjacentHTML("beforeend", "<b>x</b>");
        tries.html = "allowed";
      } catch (e) {
        tries.html = (e as Error).name;
      }
      try {
        (window as unknown as { trustedTypes: { createPolicy(n: string, r: object): unknown } }).trustedTypes.createPolicy("airlock-console", {});
        tries.policy = "allowed";
      } catch (e) {
        tries.policy = (e as Error).name;
      }
      return tries;
    });
    expect(outcome).toEqual({ html: "TypeError", policy: "TypeError" });
    agentProblems.length = 0; // the refused sinks above report as console errors by design
  });

  it("lets an admin list every session and end the agent's, which sends the agent to sign-in", async () => {
    const context = await tb.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${server.url}/console/sessions`);
    await page.getByTestId("sign-in").click();
    await signInAtIdp(page, "admin");
    await enrollTotp(page);
    await page.getByRole("heading", { name: "Sessions" }).waitFor(); // returnTo kept through sign-in
    const nav = page.getByRole("navigation", { name: "Console" });
    await expect(nav.getByRole("link").allInnerTexts()).resolves.toEqual(expect.arrayContaining(["Dashboard", "Sessions", "My account"]));
    const agentRow = page.getByRole("row").filter({ hasText: "Alex Agent" });
    await agentRow.waitFor();
    await page.screenshot({ path: screenshotPath("console-08-sessions"), fullPage: true });

    await agentRow.getByRole("button", { name: /End session of/ }).click();
    await page.getByRole("button", { name: "Yes, end it" }).click();
    await page.getByText(/Ended the session of/).waitFor();
    await agentRow.waitFor({ state: "detached" });

    // The agent's next request finds the session gone and the console says so.
    await agentPage.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "My account" }).click();
    await agentPage.getByText("Your session has ended.").waitFor();
    await agentPage.screenshot({ path: screenshotPath("console-09-session-ended"), fullPage: true });
    expect(problems).toEqual([]);
    await context.close();
  });

  it("lets an enrolled agent back in with a code; a recovery code works instead of the app", async () => {
    const page = agentPage;
    // Still signed in at the IdP: the IdP sends the agent straight back, and Airlock asks for the second factor.
    await page.getByTestId("sign-in").click();
    await page.getByRole("heading", { name: "Confirm it's you" }).waitFor();
    await page.screenshot({ path: screenshotPath("console-12-mfa-challenge"), fullPage: true });
    await page.getByLabel("Authentication code").fill("000000");
    await page.getByRole("button", { name: "Verify" }).click();
    await page.getByRole("alert").filter({ hasText: "The code is not valid." }).waitFor();
    await page.getByText("Lost your authenticator? Use a recovery code").click();
    await page.getByLabel("Recovery code").fill(agentRecoveryCodes[0] ?? "");
    await page.getByRole("button", { name: "Use code" }).click();
    await page.getByRole("heading", { name: "My account" }).waitFor(); // back where the session ended
    await expect(page.getByText("Recovery codes left").locator("xpath=following-sibling::dd[1]").innerText()).resolves.toBe("9");
    agentProblems.length = 0; // the wrong code above answered 401 by design
  });

  it("signs out through the IdP and lands on the signed-out page", async () => {
    const context = await tb.browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems = watchProblems(page);
    await page.goto(`${server.url}/console/account`);
    await page.getByTestId("sign-in").click();
    await signInAtIdp(page, "auditor");
    await enrollTotp(page);
    await page.getByRole("heading", { name: "My account" }).waitFor();
    await page.screenshot({ path: screenshotPath("console-10-account"), fullPage: true });
    await page.getByRole("main").getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("button", { name: "Yes, sign me out" }).click();
    await page.getByRole("heading", { name: "You are signed out" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/console/signed-out");
    await page.screenshot({ path: screenshotPath("console-11-signed-out"), fullPage: true });
    expect((await context.cookies(server.url)).find((c) => c.name === "__Host-airlock")).toBeUndefined();
    expect(problems).toEqual([]);
    await context.close();
  });
});
