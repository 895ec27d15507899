import { describe, expect, it } from "vitest";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath } from "../helpers/browser.js";
import { visitorSocket, waitFor } from "../chat/live-chat-sockets.js";
import { consoleSuite, openConsole } from "./workspace-harness.js";

// Canned responses end to end: a supervisor writes them on a laid-out page (labelled fields, a
// real text area, the placeholders explained), and an agent inserts one from the chat composer
// with "/" and the keyboard alone; placeholders are filled with the visitor's pseudonym and the
// agent's first name, and the visitor receives the filled text.

const suite = chromiumPath ? describe : describe.skip;

suite("canned responses: the page and the composer's / picker (Chromium)", () => {
  const s = consoleSuite();

  it("a supervisor writes, edits and deletes responses on a page with labelled fields", async () => {
    const sup = await openConsole(s, "supervisor", "/console/canned-responses");
    const page = sup.page;
    await page.getByLabel("Title").fill("Greeting");
    await page.getByLabel("Text").fill("Hello {visitor}, I am {agent.firstName}. How can I help you today?");
    await page.getByRole("button", { name: "Save response" }).click();
    await page.getByText('Saved "Greeting".').waitFor();
    await page.getByLabel("Title").fill("Card blocked");
    await page.getByLabel("Text").fill("I am sorry your card is blocked, {visitor}. I can unblock it once you confirm your identity.");
    await page.getByRole("button", { name: "Save response" }).click();
    await page.getByText('Saved "Card blocked".').waitFor();
    await page.getByLabel("Team").fill("airlock-agents");
    await page.getByLabel("Title").fill("Goodbye");
    await page.getByLabel("Text").fill("Thank you for chatting with us. Have a good day!");
    await page.getByRole("button", { name: "Save response" }).click();
    await page.getByText('Saved "Goodbye".').waitFor();
    expect(await page.locator(".canned-item h3").allInnerTexts()).toEqual(["Card blocked", "Goodbye", "Greeting"]);
    // The text area is a real writing space, not a three-line box.
    const box = await page.getByLabel("Text").boundingBox();
    expect(box?.height ?? 0).toBeGreaterThanOrEqual(140);
    expect(box?.width ?? 0).toBeGreaterThanOrEqual(280);
    // Edit keeps the team; delete asks first.
    await page.getByRole("button", { name: "Edit Goodbye" }).click();
    expect(await page.getByLabel("Team").isDisabled()).toBe(true);
    await page.getByLabel("Text").fill("Thank you for chatting with us, {visitor}. Have a good day!");
    await page.getByRole("button", { name: "Save changes" }).click();
    await page.getByText("Changes saved.").waitFor();
    await page.locator(".canned-item").filter({ hasText: "Thank you for chatting with us, {visitor}." }).waitFor();
    await sup.shots("canned-page");
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "Delete Goodbye" }).click();
    await page.getByRole("button", { name: "Cancel", exact: true }).click();
    expect(await page.locator(".canned-item").count()).toBe(3);
    await page.getByRole("button", { name: "Delete Goodbye" }).click();
    await page.getByRole("button", { name: "Yes, delete" }).click();
    await page.getByText('Deleted "Goodbye".').waitFor();
    expect(await page.locator(".canned-item").count()).toBe(2);
    expect(sup.problems).toEqual([]);
  });

  it("an agent types / in the composer, searches, and inserts with the keyboard; placeholders are filled", async () => {
    const visitor = await visitorSocket(s.server);
    try {
      visitor.client.send({ kind: "chat-start" });
      await waitFor(visitor.client, (f) => f.kind === "chat-conversation" && f.change === "started", "chat started");
      const alex = await openConsole(s, "agent", "/console/chats?site=demo");
      const page = alex.page;
      const pane = page.locator(".inbox-conversation");
      await pane.getByRole("button", { name: "Accept" }).click();
      const visitorName = ((await pane.locator(".chat-pane-head h2").textContent()) ?? "").trim();
      expect(visitorName).toMatch(/^Visitor \d{4}$/);
      const message = pane.getByRole("textbox", { name: "Message" });
      await message.focus();
      await page.keyboard.type("/");
      const listbox = page.getByRole("listbox", { name: "Canned responses" });
      await listbox.waitFor();
      await expect.poll(() => listbox.getByRole("option").allInnerTexts().then((t) => t.map((x) => x.split("\n")[0]))).toEqual(["Card blocked", "Greeting"]);
      await page.keyboard.type("card");
      await expect.poll(() => listbox.getByRole("option").count()).toBe(1);
      await page.keyboard.press("Backspace");
      await page.keyboard.press("Backspace");
      await page.keyboard.press("Backspace");
      await page.keyboard.press("Backspace");
      await expect.poll(() => listbox.getByRole("option").count()).toBe(2);
      // Down twice wraps round to the first; once more chooses Greeting.
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      await page.keyboard.press("ArrowDown");
      const active = await message.getAttribute("aria-activedescendant");
      expect(await page.locator(`#${active ?? "none"}`).innerText()).toContain("Greeting");
      await alex.shots("canned-picker");
      expect(await axeViolations(page, { include: [".inbox-conversation"] })).toEqual([]);
      await page.keyboard.press("Enter");
      expect(await listbox.isHidden()).toBe(true);
      const filled = `Hello ${visitorName}, I am Alex. How can I help you today?`;
      expect(await message.inputValue()).toBe(filled);
      // Enter now sends; the visitor gets the filled text.
      await page.keyboard.press("Enter");
      await waitFor(visitor.client, (f) => f.kind === "chat-message" && f.text === filled, "the inserted reply");
      // Escape closes the picker and leaves what was typed.
      await page.keyboard.type("See /gre");
      await listbox.waitFor();
      await page.keyboard.press("Escape");
      expect(await listbox.isHidden()).toBe(true);
      expect(await message.inputValue()).toBe("See /gre");
      expect(alex.problems).toEqual([]);
    } finally {
      visitor.client.close();
    }
  });
});
