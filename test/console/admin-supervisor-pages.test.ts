import { describe, expect, it } from "vitest";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath } from "../helpers/browser.js";
import { visitorSocket, waitFor } from "../chat/live-chat-sockets.js";
import { apiAs, consoleSuite, openConsole, storedConversation } from "./workspace-harness.js";

// The pages of what supervisors and admins may do, with the real policy (policies/access.yaml):
// supervisors (stats:view) watch the queue and agents; admins rotate master keys (keys:manage)
// and erase a visitor's data (chatlog:erase) after a confirmation; exporting needs chatlog:read
// (auditors). Navigation offers each page only to roles that may use it, and the server refuses
// the API to everyone else regardless.

const suite = chromiumPath ? describe : describe.skip;

const navLabels = async (page: import("playwright-core").Page) => page.getByRole("navigation", { name: "Console" }).getByRole("link").allInnerTexts();

suite("admin and supervisor pages (Chromium, real policy and dev IdP)", () => {
  const s = consoleSuite();

  it("offers key vault and data requests to an admin, the queue to a supervisor, neither to an agent", async () => {
    const admin = await openConsole(s, "admin", "/console/");
    expect(await navLabels(admin.page)).toEqual(expect.arrayContaining(["Key vault", "Data requests (GDPR)", "Queue and agents"]));
    const supervisor = await openConsole(s, "supervisor", "/console/");
    const supervisorNav = await navLabels(supervisor.page);
    expect(supervisorNav).toContain("Queue and agents");
    expect(supervisorNav).not.toContain("Key vault");
    expect(supervisorNav).not.toContain("Data requests (GDPR)");
    const agent = await openConsole(s, "agent", "/console/");
    const agentNav = await navLabels(agent.page);
    for (const label of ["Key vault", "Data requests (GDPR)", "Queue and agents"]) expect(agentNav).not.toContain(label);
    // A typed address gets the "not allowed" page, and the server refuses the API itself.
    await agent.page.goto(`${s.server.url}/console/keys`);
    await agent.page.getByRole("heading", { name: "Not allowed" }).waitFor();
    const api = await apiAs(s.server, "agent");
    expect((await api.json(`${s.server.url}/api/v1/keys`)).status).toBe(403);
    expect((await api.json(`${s.server.url}/api/v1/keys/rotate`, "POST", {})).status).toBe(403);
    expect((await api.json(`${s.server.url}/api/v1/gdpr/erase`, "POST", { visitor: "a".repeat(20) })).status).toBe(403);
    expect((await api.json(`${s.server.url}/api/v1/gdpr/export`, "POST", { visitor: "a".repeat(20) })).status).toBe(403);
    expect((await api.json(`${s.server.url}/api/v1/chat/supervision`)).status).toBe(403);
    // An admin may erase but not export: export returns message text (chatlog:read).
    const adminApi = await apiAs(s.server, "admin");
    expect((await adminApi.json(`${s.server.url}/api/v1/gdpr/export`, "POST", { visitor: "a".repeat(20) })).status).toBe(403);
    // Hostile queries get a specific refusal, not a crash.
    expect((await adminApi.json(`${s.server.url}/api/v1/chat/supervision?site=%3Cscript%3E`)).body).toMatchObject({ error: { code: "bad_request" } });
    expect((await adminApi.json(`${s.server.url}/api/v1/chat/supervision?site=demo&extra=1`)).body).toMatchObject({ error: { code: "bad_request" } });
    for (const p of [admin, supervisor, agent]) expect(p.problems).toEqual([]);
  });

  it("shows a supervisor who waits (by pseudonym) and each agent's day by name", async () => {
    await storedConversation(s.server, "agent", { visitor: "Where is my parcel?", agent: "Let me check." });
    const waiting = await visitorSocket(s.server);
    waiting.client.send({ kind: "chat-start" });
    await waitFor(waiting.client, (f) => f.kind === "chat-conversation" && f.change === "started", "chat started");
    try {
      const supervisor = await openConsole(s, "supervisor", "/console/queue");
      await supervisor.page.getByRole("heading", { name: "Queue and agents" }).waitFor();
      expect(await supervisor.page.getByLabel("Site").inputValue()).toBe("demo");
      expect(await supervisor.page.getByTestId("stat-waiting").locator("dd").innerText()).toBe("1");
      const waitingRows = supervisor.page.getByRole("table", { name: "Visitors waiting" }).getByRole("row");
      expect(await waitingRows.nth(1).innerText()).toMatch(/^Visitor \d{4}\s+under a minute\s+Live chat$/);
      const alex = supervisor.page.getByRole("table", { name: "Agents" }).getByRole("row").filter({ hasText: "Alex Agent" });
      // Online while a console of theirs is open (the first test left one), offline otherwise.
      expect((await alex.innerText()).replace(/\s+/g, " ")).toMatch(/^Alex Agent (Online|Offline) 0 1$/);
      await supervisor.shots("queue-supervisor");
      expect(await axeViolations(supervisor.page)).toEqual([]);
      expect(supervisor.problems).toEqual([]);
    } finally {
      waiting.client.close();
    }
  });

  it("erases a visitor only after confirmation; cancelling erases nothing", async () => {
    const { conversation, visitor } = await storedConversation(s.server, "agent", { visitor: "Please delete my data", agent: "Of course." });
    const auditor = await apiAs(s.server, "auditor");
    const transcript = () => auditor.json(`${s.server.url}/api/v1/transcripts/${conversation}`).then((r) => r.status);
    const admin = await openConsole(s, "admin", "/console/gdpr");
    // The admin holds chatlog:erase but not chatlog:read: the export form is not offered.
    expect(await admin.page.getByRole("heading", { name: "Export a visitor's data" }).count()).toBe(0);
    await admin.page.getByLabel("Visitor id").fill(visitor);
    await admin.page.getByRole("button", { name: "Erase…" }).click();
    const confirm = admin.page.getByRole("group", { name: "Erase everything stored about this visitor?" });
    await confirm.waitFor();
    expect(await confirm.innerText()).toContain(visitor);
    await admin.shots("gdpr-erase-confirm");
    expect(await axeViolations(admin.page)).toEqual([]);
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await admin.page.getByText("Cancelled. Nothing was erased.").waitFor();
    expect(await confirm.count()).toBe(0);
    expect(await transcript()).toBe(200);

    // Escape cancels too; then the real thing.
    await admin.page.getByRole("button", { name: "Erase…" }).click();
    await confirm.waitFor();
    await admin.page.keyboard.press("Escape");
    expect(await confirm.count()).toBe(0);
    expect(await transcript()).toBe(200);
    await admin.page.getByRole("button", { name: "Erase…" }).click();
    await confirm.getByRole("button", { name: "Yes, erase permanently" }).click();
    await admin.page.getByText(`Erased 1 conversation of visitor ${visitor}; 1 data key destroyed.`).waitFor();
    await admin.shots("gdpr-erased");
    expect(await transcript()).toBe(404);
    expect(admin.problems).toEqual([]);
  });

  it("lets an auditor export a visitor's data as a JSON download", async () => {
    const { visitor } = await storedConversation(s.server, "agent", { visitor: "What do you store about me?", agent: "Here is everything." });
    const auditor = await openConsole(s, "auditor", "/console/gdpr");
    expect(await auditor.page.getByRole("heading", { name: "Erase a visitor's data" }).count()).toBe(0);
    await auditor.page.getByLabel("Visitor id").fill("not a visitor id");
    await auditor.page.getByRole("button", { name: "Export" }).click();
    await auditor.page.getByText("That is not a visitor id.").waitFor();
    await auditor.page.getByLabel("Visitor id").fill(visitor);
    await auditor.page.getByRole("button", { name: "Export" }).click();
    await auditor.page.getByText("Exported 1 conversation with 2 messages.").waitFor();
    const download = auditor.page.waitForEvent("download");
    await auditor.page.getByTestId("export-download").click();
    const file = await (await download).path();
    const data = JSON.parse(await import("node:fs/promises").then((fs) => fs.readFile(file, "utf8"))) as { visitorId: string; conversations: { messages: { text: string }[] }[] };
    expect(data.visitorId).toBe(visitor);
    expect(data.conversations[0]?.messages.map((m) => m.text)).toEqual(["What do you store about me?", "Here is everything."]);
    await auditor.shots("gdpr-export");
    expect(await axeViolations(auditor.page)).toEqual([]);
  });

  it("rotates the master key from the key vault page and shows the new key as current (audited)", async () => {
    await storedConversation(s.server, "agent", { visitor: "Is my chat encrypted?", agent: "Yes." });
    const adminApi = await apiAs(s.server, "admin");
    // Hostile input first: the rotate route takes an empty object only, and a refusal changes nothing.
    const before = await adminApi.json(`${s.server.url}/api/v1/keys`);
    expect((await adminApi.json(`${s.server.url}/api/v1/keys/rotate`, "POST", { keyId: "mine" })).status).toBe(400);
    expect((await adminApi.json(`${s.server.url}/api/v1/keys`)).body).toEqual(before.body);

    const admin = await openConsole(s, "admin", "/console/keys");
    const oldKey = String(before.body.current);
    await admin.page.getByTestId("key-summary").filter({ hasText: `Master key ${oldKey} is current.` }).waitFor();
    await admin.shots("keys-before-rotation");
    expect(await axeViolations(admin.page)).toEqual([]);
    await admin.page.getByRole("button", { name: "Rotate master key…" }).click();
    await admin.page.getByRole("group", { name: "Rotate to a new master key?" }).getByRole("button", { name: "Cancel" }).click();
    expect((await adminApi.json(`${s.server.url}/api/v1/keys`)).body).toEqual(before.body);
    await admin.page.getByRole("button", { name: "Rotate master key…" }).click();
    await admin.page.getByRole("button", { name: "Rotate now" }).click();
    const done = admin.page.getByText(/^Master key (k\d+) is now current; \d+ data keys? re-wrapped under it\.$/);
    await done.waitFor();
    const newKey = /Master key (k\d+)/.exec(await done.innerText())?.[1] ?? "";
    expect(newKey).not.toBe(oldKey);
    const current = admin.page.locator(`tr[data-key="${newKey}"]`);
    expect((await current.innerText()).replace(/\s+/g, " ")).toMatch(new RegExp(`^${newKey} Current [1-9]\\d*$`));
    expect((await admin.page.locator(`tr[data-key="${oldKey}"]`).innerText()).replace(/\s+/g, " ")).toBe(`${oldKey} Decrypts only 0`);
    await admin.shots("keys-after-rotation");
    expect(await axeViolations(admin.page)).toEqual([]);
    const audit = await adminApi.json(`${s.server.url}/api/v1/audit?action=keys.rotate`);
    expect((audit.body.entries as { target: string; actor: string }[]).map((e) => e.target)).toEqual([`master-key:${newKey}`]);
    expect(admin.problems).toEqual([]);
  });
});
