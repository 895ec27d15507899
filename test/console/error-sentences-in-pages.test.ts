import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath } from "../helpers/browser.js";
import { apiAs, consoleSuite, openConsole } from "./workspace-harness.js";

// A refusal or failure on a console page reads as a sentence a person understands, with the
// technical code in small print; the server's own message (written for logs) never shows.

const suite = chromiumPath ? describe : describe.skip;

suite("console errors are sentences with the code in small print (Chromium)", () => {
  const s = consoleSuite();

  it("a transcript that does not exist: a sentence, the code below it, not the server's message", async () => {
    const auditor = await openConsole(s, "auditor", `/console/transcripts/${randomUUID()}`);
    const alert = auditor.page.getByRole("alert");
    await expect.poll(() => alert.innerText()).toContain("This conversation does not exist, or it has been erased.");
    expect(await alert.locator(".error-code").innerText()).toBe("Code: not_found");
    expect(await auditor.page.locator("main").innerText()).not.toMatch(/no such conversation/i);
    await auditor.shots("errors-transcript-not-found");
    expect(await axeViolations(auditor.page)).toEqual([]);
    expect(auditor.problems).toEqual([]);
  });

  it("deleting a canned response someone else already deleted says so in words", async () => {
    const supervisor = await openConsole(s, "supervisor", "/console/canned-responses");
    const api = await apiAs(s.server, "supervisor");
    const created = await api.json(`${s.server.url}/api/v1/chat/canned-responses`, "POST", { team: "*", title: "Soon gone", body: "This one is deleted elsewhere." });
    await supervisor.page.reload();
    await supervisor.page.getByText("Soon gone").first().waitFor();
    await api.json(`${s.server.url}/api/v1/chat/canned-responses/${String(created.body.id)}`, "DELETE");
    await supervisor.page.getByRole("button", { name: "Delete Soon gone" }).click();
    await supervisor.page.getByRole("button", { name: "Yes, delete" }).click();
    const alert = supervisor.page.getByRole("alert");
    await expect.poll(() => alert.innerText()).toContain("This canned response no longer exists.");
    expect(await alert.locator(".error-code").innerText()).toBe("Code: not_found");
  });
});
