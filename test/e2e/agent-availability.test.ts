import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { chatWorkspace, expectNoAxeViolations, PHONE, setAvailability, widget } from "./chat-workspace.js";

// Availability as an agent lives it. Before: an agent counted as online only while the Chats page
// was open, and could not say "away". Now the header says Online or Away on every page; the
// visitor gets the offline form only when no agent of the site is available, and the chat form
// again as soon as one is; the choice survives a reload.
// Screenshots: test-results/screenshots/availability-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("agent availability, independent of the open console page (Chromium)", () => {
  const ws = chatWorkspace("availability");

  it("an agent on the dashboard is available; away gives visitors the offline form; a reload keeps away; online brings the chat form back", async () => {
    // Not the Chats page: the account page.
    const alex = await ws.agent("agent", "/console/account");
    const select = alex.getByRole("combobox", { name: "Availability" });
    await expect.poll(() => select.inputValue()).toBe("online");
    await ws.shot(alex, "01-console-header-online");
    await expectNoAxeViolations(alex, [".topbar"]);

    const first = await ws.visitor();
    await first.getByRole("button", { name: "Chat with us" }).click();
    await widget(first).getByRole("textbox", { name: "Type your message" }).waitFor();
    expect(await widget(first).getByText("No agent is available right now.").isVisible()).toBe(false);

    await setAvailability(alex, "Away");
    await ws.shot(alex, "02-console-header-away");
    await expectNoAxeViolations(alex, [".topbar"]);
    const second = await ws.visitor(PHONE);
    await second.getByRole("button", { name: "Chat with us" }).click();
    await widget(second).getByText("No agent is available right now.").waitFor();
    await ws.shot(second, "03-visitor-offline-form-phone");

    // A reload of the console keeps "away": the visitor's form does not change.
    await alex.reload();
    await expect.poll(() => alex.getByRole("combobox", { name: "Availability" }).inputValue()).toBe("away");
    expect(await widget(second).getByRole("textbox", { name: "Type your message" }).isVisible()).toBe(false);

    // Online again: the open offline form becomes the chat, the visitor writes, the agent gets it.
    await setAvailability(alex, "Online");
    await widget(second).getByText("An agent is available now. Write your message below.").waitFor();
    const input = widget(second).getByRole("textbox", { name: "Type your message" });
    await input.fill("Are you there now?");
    await input.press("Enter");
    await ws.shot(second, "04-visitor-chat-form-after-online-phone");
    await alex.goto(`${ws.server.url}/console/chats?site=demo`);
    await alex.locator(".inbox-row").filter({ hasText: /./ }).first().waitFor();
    await expectNoAxeViolations(second, ["[data-airlock-ui]"]);
  }, 120_000);
});
