import { describe, expect, it } from "vitest";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath } from "../helpers/browser.js";
import { apiAs, consoleSuite, openConsole, storedConversation } from "./workspace-harness.js";

// Transcripts as an auditor reads them: people by name (the visitor's pseudonym, agents' IdP
// names — never a UUID), times on every line, what happened around the messages, filters by
// date, site and agent name kept in the address, and a back link to the same search.

const suite = chromiumPath ? describe : describe.skip;
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const localDay = (offsetDays: number) => {
  const d = new Date(Date.now() + offsetDays * 86_400_000);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
};

suite("transcripts: names, times, events, filters and a back link (Chromium)", () => {
  const s = consoleSuite();

  it("lists, filters and reads transcripts without a single id where a name belongs", async () => {
    await storedConversation(s.server, "agent", { visitor: "My card was declined at checkout", agent: "I can see the decline; let me explain." });
    await storedConversation(s.server, "supervisor", { visitor: "How do I change my address?", agent: "Under Settings, then Address." });
    const auditor = await openConsole(s, "auditor", "/console/transcripts");
    const page = auditor.page;
    const rows = page.getByRole("table", { name: "Conversations" }).locator("tbody tr");
    await expect.poll(() => rows.count()).toBe(2);
    const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, " "));
    expect(texts[0]).toMatch(/Visitor \d{4} Airlock demo site .* Sam Supervisor Ended Read$/);
    expect(texts[1]).toMatch(/Visitor \d{4} Airlock demo site .* Alex Agent Ended Read$/);
    expect(await page.locator("main").innerText()).not.toMatch(UUID);
    await auditor.shots("transcripts-list");
    expect(await axeViolations(page)).toEqual([]);

    // Agent name, part of it, any case.
    await page.getByLabel("Agent name", { exact: true }).fill("alex");
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL((u) => u.searchParams.get("agentName") === "alex");
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().innerText()).toContain("Alex Agent");
    // Site (a labelled dropdown) and dates.
    expect(await page.getByLabel("Site", { exact: true }).inputValue()).toBe("");
    await page.getByLabel("Site", { exact: true }).selectOption({ label: "Airlock demo site (served by Airlock itself in dev mode)" });
    await page.getByLabel("From", { exact: true }).fill(localDay(1));
    await page.getByRole("button", { name: "Search" }).click();
    await page.getByText("No conversations match these filters.").waitFor();
    await page.getByLabel("From", { exact: true }).fill(localDay(-1));
    await page.getByLabel("To", { exact: true }).fill(localDay(0));
    await page.getByRole("button", { name: "Search" }).click();
    await page.waitForURL((u) => u.searchParams.get("to") === localDay(0));
    await expect.poll(() => rows.count()).toBe(1);

    // The transcript: names, times, events around the messages.
    await rows.first().getByRole("link", { name: /^Read the chat with Visitor \d{4}/ }).click();
    await page.getByRole("heading", { name: /^Chat with Visitor \d{4}$/ }).waitFor();
    const visitorName = (await page.getByRole("heading", { level: 1 }).innerText()).replace("Chat with ", "");
    const lines = (await page.getByRole("list", { name: "Conversation" }).locator("> li").allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
    const time = "\\d{2}:\\d{2}:\\d{2}";
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(new RegExp(`^${visitorName} asked for a chat ${time}$`));
    expect(lines[1]).toMatch(new RegExp(`^Alex Agent accepted the chat ${time}$`));
    expect(lines[2]).toMatch(new RegExp(`^${visitorName} ${time} My card was declined at checkout$`));
    expect(lines[3]).toMatch(new RegExp(`^Alex Agent ${time} I can see the decline; let me explain\\.$`));
    expect(lines[4]).toMatch(new RegExp(`^The chat ended ${time}$`));
    expect(await page.locator("dl.facts").innerText()).toMatch(/Handled by\s+Alex Agent/);
    expect(await page.locator("main").innerText()).not.toMatch(UUID);
    await auditor.shots("transcript-read");
    expect(await axeViolations(page)).toEqual([]);

    // Back to the same search.
    await page.getByRole("link", { name: "← Back to transcripts" }).click();
    await page.waitForURL((u) => u.pathname === "/console/transcripts" && u.searchParams.get("agentName") === "alex" && u.searchParams.get("site") === "demo");
    expect(await page.getByLabel("Agent name", { exact: true }).inputValue()).toBe("alex");
    await expect.poll(() => rows.count()).toBe(1);
    expect(auditor.problems).toEqual([]);
  });

  it("refuses a hostile agent-name filter specifically and matches LIKE wildcards only literally", async () => {
    const api = await apiAs(s.server, "auditor");
    const tooLong = await api.json(`${s.server.url}/api/v1/transcripts?agentName=${"a".repeat(121)}`);
    expect(tooLong.status).toBe(400);
    expect(tooLong.body).toMatchObject({ error: { code: "bad_request" } });
    for (const wildcard of ["%", "_", "%25", "\\"]) {
      const r = await api.json(`${s.server.url}/api/v1/transcripts?agentName=${encodeURIComponent(wildcard)}`);
      expect(r.status, wildcard).toBe(200);
      expect((r.body.conversations as unknown[]).length, wildcard).toBe(0);
    }
  });
});
