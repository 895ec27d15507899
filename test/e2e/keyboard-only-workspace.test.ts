import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { chatWorkspace, expectNoAxeViolations, widget } from "./chat-workspace.js";

// An agent who works without a mouse: from the inbox, Tab reaches the conversation list, Enter
// opens the waiting chat and Enter again accepts it, the reply box takes focus, the Transfer
// dialog is reached and filled from the keyboard, and the colleague who receives the chat starts
// co-browsing from the keyboard too. Only the visitor (a different person) uses the mouse.

const suite = chromiumPath ? describe : describe.skip;

/** What has focus: its role, accessible name (aria-label, label or text) and tag. */
function focused(page: Page): Promise<{ tag: string; role: string; name: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: "", role: "", name: "" };
    const labelled = el.getAttribute("aria-label") ?? (el as HTMLInputElement).labels?.[0]?.textContent ?? el.textContent ?? "";
    return { tag: el.tagName.toLowerCase(), role: el.getAttribute("role") ?? "", name: labelled.trim() };
  });
}

/** Presses Tab (a bounded number of times) until the focused element matches. */
async function tabTo(page: Page, matches: (f: { tag: string; role: string; name: string }) => boolean, what: string): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < 60; i++) {
    const f = await focused(page);
    if (matches(f)) return;
    seen.push(`${f.tag}[${f.role}] ${f.name.slice(0, 30)}`);
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${what}; focus went: ${seen.join(" → ")}`);
}

suite("the workspace from the keyboard alone: accept → reply → transfer → co-browse (Chromium)", () => {
  const ws = chatWorkspace("keyboard-only");

  it("an agent accepts, replies and transfers, and the colleague starts co-browsing, without a mouse", async () => {
    const alex = await ws.agent("agent");
    const vera = await ws.agent("viewer");
    const visitor = await ws.visitor();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = widget(visitor).getByRole("textbox", { name: "Type your message" });
    await input.fill("My card was charged twice.");
    await input.press("Enter");

    // Accept: Tab to the conversation list, Enter opens the waiting chat, Enter accepts it.
    await expect.poll(() => alex.getByTestId("count-waiting").textContent()).toBe("1");
    await tabTo(alex, (f) => f.role === "listbox", "the conversation list");
    await alex.keyboard.press("Enter");
    await expect.poll(async () => (await focused(alex)).name).toBe("Accept");
    await alex.keyboard.press("Enter");

    // Reply: the reply box has focus once the chat is the agent's.
    await expect.poll(async () => (await focused(alex)).tag).toBe("textarea");
    await alex.keyboard.type("I will look into it right away.");
    await alex.keyboard.press("Enter");
    await widget(visitor).getByText("I will look into it right away.").waitFor();

    // Transfer: Tab to the button, open the dialog, the colleague is chosen, a note, send.
    await tabTo(alex, (f) => f.tag === "button" && f.name === "Transfer", "the Transfer button");
    await alex.keyboard.press("Enter");
    await alex.getByRole("radio", { name: "Vera Viewer" }).waitFor();
    await tabTo(alex, (f) => f.tag === "textarea" && /Note for your colleague/.test(f.name), "the transfer note");
    await alex.keyboard.type("Double charge, order 7");
    await tabTo(alex, (f) => f.tag === "button" && f.name === "Transfer chat", "the Transfer chat button");
    await ws.shot(alex, "01-transfer-from-keyboard");
    await expectNoAxeViolations(alex, [".chat-transfer-form"]);
    await alex.keyboard.press("Enter");
    await widget(visitor).getByText("Vera Viewer has joined the chat.").waitFor();

    // Co-browse: the receiving colleague opens the chat and starts co-browsing from the keyboard.
    const veraPane = vera.locator(".chat-pane").filter({ hasText: "My card was charged twice." });
    await veraPane.getByText("Double charge, order 7").waitFor();
    await tabTo(vera, (f) => f.tag === "button" && f.name === "Co-browse", "the Co-browse button");
    await vera.keyboard.press("Enter");
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    const dock = vera.getByRole("region", { name: /^Co-browse with Visitor \d{4}$/ });
    await dock.frameLocator("iframe").getByRole("heading", { level: 1 }).first().waitFor();
    await ws.shot(vera, "02-cobrowse-from-keyboard");
    await ws.shot(visitor, "03-visitor-shares");
  }, 150_000);
});
