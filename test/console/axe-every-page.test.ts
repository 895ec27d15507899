import { describe, expect, it } from "vitest";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath } from "../helpers/browser.js";
import { consoleSuite, openConsole, type Login } from "./workspace-harness.js";

// axe-core (WCAG 2.1 A and AA) on every console page a signed-in role opens, as that role sees
// it, at desktop size and in a narrow window: zero violations. The chat and co-browse pages have
// their own suites (they need visitors); the pages here need only the signed-in person.

const suite = chromiumPath ? describe : describe.skip;

const pages: readonly (readonly [Login, string, string])[] = [
  ["agent", "/console/", "dashboard"],
  ["agent", "/console/account", "account"],
  ["agent", "/console/keys", "not-allowed"],
  ["agent", "/console/no-such-page", "not-found"],
  ["admin", "/console/sessions", "sessions"],
  ["admin", "/console/keys", "keys"],
  ["admin", "/console/gdpr", "gdpr-admin"],
  ["admin", "/console/queue", "queue-admin"],
  ["auditor", "/console/audit", "audit"],
  ["auditor", "/console/policy", "policy"],
  ["auditor", "/console/transcripts", "transcripts-empty"],
  ["auditor", "/console/gdpr", "gdpr-auditor"],
  ["supervisor", "/console/canned-responses", "canned-empty"],
  ["supervisor", "/console/cobrowse", "cobrowse-list"],
];

suite("axe-core on every console page, desktop and narrow (Chromium)", () => {
  const s = consoleSuite();

  it("finds no WCAG A/AA violation on any page", async () => {
    const found: Record<string, unknown> = {};
    const opened = new Map<Login, Awaited<ReturnType<typeof openConsole>>>();
    for (const [login, path, name] of pages) {
      let person = opened.get(login);
      if (!person) {
        person = await openConsole(s, login, path);
        opened.set(login, person);
      } else {
        await person.page.goto(`${s.server.url}${path}`);
        await person.page.getByRole("heading", { level: 1 }).first().waitFor();
      }
      await person.page.waitForLoadState("networkidle");
      await person.shots(`axe-${name}`);
      for (const width of [1280, 700]) {
        await person.page.setViewportSize({ width, height: 800 });
        const violations = await axeViolations(person.page);
        if (violations.length) found[`${name}@${width}`] = violations;
      }
    }
    expect(found).toEqual({});
    for (const p of opened.values()) expect(p.problems).toEqual([]);
  }, 180_000);
});
