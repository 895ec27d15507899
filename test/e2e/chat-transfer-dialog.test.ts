import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { acceptWaiting, chatWorkspace, expectNoAxeViolations, setAvailability, widget } from "./chat-workspace.js";

// The transfer dialog: it lists the colleagues available for the site (away ones are not), with
// labelled controls and an optional note that only the receiving agent reads; the visitor is
// told who took over, by name. Screenshots: test-results/screenshots/transfer-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("transfer dialog (Chromium, two agents)", () => {
  const ws = chatWorkspace("transfer");

  it("lists only available colleagues, sends the note to the receiving agent, and names who took over to the visitor", async () => {
    const alex = await ws.agent("agent");
    const vera = await ws.agent("viewer");
    const visitor = await ws.visitor();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = widget(visitor).getByRole("textbox", { name: "Type your message" });
    await input.fill("I would like a refund for order 7.");
    await input.press("Enter");
    await acceptWaiting(alex);
    const pane = alex.locator(".chat-pane").filter({ hasText: "I would like a refund for order 7." });
    await pane.waitFor();

    // Vera is away: not offered.
    await setAvailability(vera, "Away");
    await pane.getByRole("button", { name: "Transfer" }).click();
    await pane.getByText("No colleague is available for this site right now.").waitFor();
    await pane.getByRole("button", { name: "Close" }).click();

    await setAvailability(vera, "Online");
    await pane.getByRole("button", { name: "Transfer" }).click();
    const choice = pane.getByRole("radio", { name: "Vera Viewer" });
    await choice.waitFor();
    expect(await choice.isChecked()).toBe(true);
    const note = pane.getByRole("textbox", { name: /Note for your colleague/ });
    await note.fill("Refund approved up to 50 EUR");
    await pane.getByText("28 of 500 characters").waitFor();
    await ws.shot(alex, "01-transfer-dialog");
    await expectNoAxeViolations(alex, [".chat-transfer-form"]);
    await pane.getByRole("button", { name: "Transfer chat" }).click();

    const veraPane = vera.locator(".chat-pane").filter({ hasText: "I would like a refund for order 7." });
    await veraPane.getByText("Transfer note from Alex Agent:").waitFor();
    await veraPane.getByText("Refund approved up to 50 EUR").waitFor();
    await widget(visitor).getByText("Vera Viewer has joined the chat.").waitFor();
    expect(await widget(visitor).getByText("Refund approved").count()).toBe(0);
    await ws.shot(vera, "02-receiving-agent-reads-note");
    await ws.shot(visitor, "03-visitor-told-who-took-over");
  }, 120_000);
});
