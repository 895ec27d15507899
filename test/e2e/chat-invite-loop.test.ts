import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { chatWorkspace, expectNoAxeViolations, setAvailability, widget } from "./chat-workspace.js";

// Proactive invitations that close the loop. Before: an invitation sent while the visitor's widget
// was open never showed, and the visitor's row stayed "invited". Now it shows inside the open
// panel; the inviting agent sees it shown, declined or accepted; they can invite again; and an
// accepted invitation goes to the agent who sent it, not to whoever is quickest.
// Screenshots: test-results/screenshots/invite-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("invitations while the widget is open (Chromium, two agents)", () => {
  const ws = chatWorkspace("invite");

  it("shown in the open panel, declined, invited again, accepted: the chat goes to the inviting agent", async () => {
    const alex = await ws.agent("agent");
    const vera = await ws.agent("viewer");
    await setAvailability(alex, "Away");
    await setAvailability(vera, "Away");

    // The visitor opens the widget while nobody is available: the offline form, panel open.
    const visitor = await ws.visitor();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    await widget(visitor).getByText("No agent is available right now.").waitFor();
    await setAvailability(alex, "Online");
    await widget(visitor).getByRole("textbox", { name: "Type your message" }).waitFor();

    const row = alex.getByRole("row").filter({ hasText: "Shop · Northwind Goods" });
    await row.getByRole("button", { name: "Invite to chat" }).click();
    const prompt = widget(visitor).getByRole("status").filter({ hasText: "Alex Agent is available to chat." });
    await prompt.waitFor();
    await row.getByText("Invitation shown to the visitor").waitFor();
    await ws.shot(visitor, "01-invitation-in-open-panel");
    await expectNoAxeViolations(visitor, ["[data-airlock-ui]"]);

    await widget(visitor).getByRole("button", { name: "No, thanks" }).click();
    await row.getByText("Invitation declined").waitFor();
    await ws.shot(alex, "02-agent-sees-declined");

    await setAvailability(vera, "Online");
    await row.getByRole("button", { name: "Invite again" }).click();
    await prompt.waitFor();
    await widget(visitor).getByRole("button", { name: "Chat now" }).click();
    const input = widget(visitor).getByRole("textbox", { name: "Type your message" });
    await input.fill("Yes please, I have a question about delivery.");
    await input.press("Enter");
    await widget(visitor).getByText("Alex Agent has joined the chat.").waitFor();
    const pane = alex.locator(".chat-pane").filter({ hasText: "Yes please, I have a question about delivery." });
    await pane.waitFor();
    await ws.shot(alex, "03-accepted-invitation-is-alexs");
    // Vera, available too, never had it to accept: it is Alex's, in her Team folder at most.
    expect(await vera.getByRole("button", { name: "Accept" }).count()).toBe(0);
    await ws.shot(visitor, "04-visitor-chatting-after-invitation");
  }, 120_000);
});
