import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { chatWorkspace, setAvailability, widget } from "./chat-workspace.js";

// Availability is the server's, not the browser's. Before: the choice was kept in the browser's
// localStorage and sent on every connect, so a console opened in another browser (or a fresh
// profile) said "Online" and switched the agent back online behind their back. Now a console
// asks the server and shows what it keeps; routing and the offline form follow it.
// Screenshots: test-results/screenshots/availability-server-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("agent availability kept by the server (Chromium)", () => {
  const ws = chatWorkspace("availability-server");

  it("away set in one browser shows in another browser and after a reload, and the visitor gets the offline form throughout", async () => {
    const first = await ws.agent("agent", "/console/account");
    await setAvailability(first, "Away");

    // Another browser (its own storage), on the inbox: it shows "away" and leaves the agent away.
    const second = await ws.agent("agent");
    await expect.poll(() => second.getByRole("combobox", { name: "Availability" }).inputValue()).toBe("away");
    await ws.shot(second, "01-second-browser-away-1280");
    await second.setViewportSize({ width: 700, height: 900 });
    await ws.shot(second, "02-second-browser-away-700");
    expect(await first.getByRole("combobox", { name: "Availability" }).inputValue()).toBe("away");

    const visitor = await ws.visitor();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    await widget(visitor).getByText("No agent is available right now.").waitFor();

    await second.reload();
    await expect.poll(() => second.getByRole("combobox", { name: "Availability" }).inputValue()).toBe("away");

    // Online from the second browser: the first follows, the visitor gets the chat.
    await setAvailability(second, "Online");
    await expect.poll(() => first.getByRole("combobox", { name: "Availability" }).inputValue()).toBe("online");
    await widget(visitor).getByText("An agent is available now. Write your message below.").waitFor();
  }, 120_000);
});
