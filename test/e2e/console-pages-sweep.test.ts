import { randomUUID } from "node:crypto";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInAtIdp, signInEnrolled } from "../auth/helpers/login.js";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath, screenshotPath } from "../helpers/browser.js";
import { consoleSuite, openConsole, storedConversation, type ConsolePerson, type Login } from "../console/workspace-harness.js";

// Every console page in Chromium, signed in through the dev IdP with TOTP, at a desktop window
// (1280×800) and a narrow one (700×900): a screenshot of each (looked at by a person), zero axe
// violations, and nothing wider than the window. Each page is opened by the role that uses it
// (the agent and the supervisor where their page differs from the admin's).

const suite = chromiumPath ? describe : describe.skip;

const SIZES = [
  { width: 1280, height: 800 },
  { width: 700, height: 900 },
] as const;

interface Visit {
  readonly login: Login;
  readonly path: string;
  readonly name: string;
}

/** How far the document is wider than the window (0 when nothing overflows sideways). */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

/** Which elements stick out to the right of the window (to say what overflows, not only that it does). */
const wideElements = (page: Page) =>
  page.evaluate(() =>
    [...document.querySelectorAll("body *")]
      .filter((e) => e.getBoundingClientRect().right > window.innerWidth + 1)
      .slice(0, 5)
      .map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`),
  );

suite("every console page at 1280×800 and 700×900: screenshot, axe, no sideways overflow (Chromium)", () => {
  const s = consoleSuite();
  const people = new Map<Login, ConsolePerson>();

  async function check(visit: Visit): Promise<void> {
    let person = people.get(visit.login);
    if (!person) {
      person = await openConsole(s, visit.login, visit.path);
      people.set(visit.login, person);
    } else {
      await person.page.goto(`${s.server.url}${visit.path}`);
      await person.page.getByRole("heading", { level: 1 }).first().waitFor();
    }
    const { page } = person;
    // Let a page's first requests settle (lists load after the heading).
    await page.waitForLoadState("networkidle").catch(() => undefined);
    for (const size of SIZES) {
      await page.setViewportSize(size);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: screenshotPath(`sweep-${visit.name}-${visit.login}-${size.width}`), fullPage: true });
      const sideways = await overflow(page);
      expect({ page: visit.path, width: size.width, overflow: sideways, wide: sideways > 0 ? await wideElements(page) : [] }).toEqual({ page: visit.path, width: size.width, overflow: 0, wide: [] });
      expect({ page: visit.path, width: size.width, violations: await axeViolations(page) }).toEqual({ page: visit.path, width: size.width, violations: [] });
    }
    await page.setViewportSize(SIZES[0]);
    expect(person.problems).toEqual([]);
  }

  const visits: Visit[] = [
    { login: "admin", path: "/console/", name: "dashboard" },
    { login: "admin", path: "/console/account", name: "account" },
    { login: "admin", path: "/console/account/recovery-codes", name: "recovery-codes" },
    { login: "admin", path: "/console/sessions", name: "sessions" },
    { login: "admin", path: "/console/audit", name: "audit" },
    { login: "admin", path: "/console/policy", name: "policy" },
    { login: "admin", path: "/console/queue", name: "queue" },
    { login: "admin", path: "/console/keys", name: "keys" },
    { login: "admin", path: "/console/gdpr", name: "gdpr" },
    { login: "admin", path: "/console/chats", name: "not-allowed" },
    { login: "admin", path: "/console/no-such-page", name: "not-found" },
    { login: "agent", path: "/console/", name: "dashboard" },
    { login: "agent", path: "/console/chats?site=demo", name: "chats" },
    { login: "agent", path: "/console/cobrowse", name: "cobrowse-sessions" },
    { login: "agent", path: `/console/cobrowse/${randomUUID()}`, name: "cobrowse-viewer-gone" },
    { login: "supervisor", path: "/console/chats?site=demo", name: "chats" },
    { login: "supervisor", path: "/console/canned-responses", name: "canned-responses" },
    { login: "supervisor", path: "/console/queue", name: "queue" },
    { login: "supervisor", path: "/console/ratings", name: "ratings" },
    { login: "auditor", path: "/console/transcripts", name: "transcripts" },
    { login: "auditor", path: "/console/gdpr", name: "gdpr" },
  ];

  for (const visit of visits) {
    it(`${visit.path} as ${visit.login}`, { timeout: 60_000 }, async () => {
      await check(visit);
    });
  }

  it("a stored transcript as the auditor", { timeout: 60_000 }, async () => {
    const { conversation } = await storedConversation(s.server, "agent", { visitor: "Hello, where is my parcel?", agent: "It left the warehouse this morning." });
    await check({ login: "auditor", path: `/console/transcripts/${conversation}`, name: "transcript" });
  });

  // The second-factor page, as a person signed in at the IdP sees it before TOTP: enrollment (QR
  // code and key) the first time, the challenge once enrolled.
  it("the second-factor page: enrollment and challenge", { timeout: 60_000 }, async () => {
    await signInEnrolled(s.server, "agent");
    for (const [login, name, heading] of [["viewer", "mfa-enroll", /set up/i], ["agent", "mfa-challenge", /confirm it/i]] as const) {
      const http = new HttpAgent(s.server.url);
      expect((await http.request(await signInAtIdp(http, s.server, login, `${login}-demo`))).status).toBe(302);
      const session = http.cookies.get("__Host-airlock");
      if (!session) throw new Error("no session cookie");
      const context = await s.browser.newContext({ viewport: SIZES[0] });
      try {
        await context.addCookies([{ name: "__Host-airlock", value: session, url: s.server.url.replace(/^http:/, "https:"), secure: true, httpOnly: true, sameSite: "Strict" }]);
        const page = await context.newPage();
        await page.goto(`${s.server.url}/console/mfa`);
        await page.getByRole("heading", { level: 1, name: heading }).waitFor();
        await page.waitForLoadState("networkidle").catch(() => undefined);
        for (const size of SIZES) {
          await page.setViewportSize(size);
          await page.screenshot({ path: screenshotPath(`sweep-${name}-${size.width}`), fullPage: true });
          expect({ name, width: size.width, overflow: await overflow(page) }).toEqual({ name, width: size.width, overflow: 0 });
          expect({ name, width: size.width, violations: await axeViolations(page) }).toEqual({ name, width: size.width, violations: [] });
        }
      } finally {
        await context.close();
      }
    }
  });

  it("the signed-out pages", { timeout: 60_000 }, async () => {
    const context = await s.browser.newContext({ viewport: SIZES[0] });
    try {
      const page = await context.newPage();
      for (const [path, name] of [["/console/sign-in", "sign-in"], ["/console/signed-out", "signed-out"]] as const) {
        await page.goto(`${s.server.url}${path}`);
        await page.getByRole("heading", { level: 1 }).first().waitFor();
        for (const size of SIZES) {
          await page.setViewportSize(size);
          await page.screenshot({ path: screenshotPath(`sweep-${name}-${size.width}`), fullPage: true });
          expect({ path, width: size.width, overflow: await overflow(page) }).toEqual({ path, width: size.width, overflow: 0 });
          expect(await axeViolations(page)).toEqual([]);
        }
        await page.setViewportSize(SIZES[0]);
      }
    } finally {
      await context.close();
    }
  });
});
