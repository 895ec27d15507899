import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { acceptWaiting, chatWorkspace, PHONE, widget } from "./chat-workspace.js";

// Agents by name, never by a bare id. Before: the console labelled messages "Agent 0fe6ac79" and
// the widget said "An agent has joined". Now both sides show the IdP's `name` claim, or the
// username when the IdP sends none (the dev IdP's "robin"), and the audit view names agents.
// Screenshots: test-results/screenshots/names-*.png.

const suite = chromiumPath ? describe : describe.skip;
const uuidish = /\b[0-9a-f]{8}(-[0-9a-f]{4}){0,3}\b/;

suite("agent names in the widget, the console and the audit view (Chromium)", () => {
  const ws = chatWorkspace("names");

  it("the visitor reads 'Alex Agent has joined' and his name on his messages; the console shows names, no ids", async () => {
    const alex = await ws.agent("agent");
    const visitor = await ws.visitor();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = widget(visitor).getByRole("textbox", { name: "Type your message" });
    await input.fill("Who am I talking to?");
    await input.press("Enter");
    await acceptWaiting(alex);
    const pane = alex.locator(".chat-pane").filter({ hasText: "Who am I talking to?" });
    const reply = pane.getByRole("textbox", { name: "Message" });
    await reply.fill("This is Alex from support.");
    await reply.press("Enter");
    await widget(visitor).getByText("Alex Agent has joined the chat.").waitFor();
    await widget(visitor).locator(".alc-them .alc-who").getByText("Alex Agent").waitFor();
    // In his own console Alex's messages say "You"; colleagues read his name (the transfer suite checks that).
    await expect.poll(() => pane.locator(".chat-me .chat-who").last().textContent()).toMatch(/^You \d{2}:\d{2}$/);
    expect(await pane.locator(".chat-log").innerText()).not.toMatch(uuidish);
    await ws.shot(visitor, "01-widget-named-agent-desktop");
    await ws.shot(alex, "02-console-named-messages");
  }, 120_000);

  it("an agent without a name claim is shown by username, on a phone", async () => {
    const robin = await ws.agent("robin");
    const visitor = await ws.visitor(PHONE);
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = widget(visitor).getByRole("textbox", { name: "Type your message" });
    await input.fill("Hello from a phone");
    await input.press("Enter");
    await acceptWaiting(robin);
    await widget(visitor).getByText("robin has joined the chat.").waitFor();
    await ws.shot(visitor, "03-widget-username-fallback-phone");
  }, 120_000);

  it("the audit view names the agent and keeps the id in small print", async () => {
    const ada = await ws.agent("auditor", "/console/audit");
    const alexId = await (await ws.agent("agent", "/console/account")).evaluate(async () => ((await (await fetch("/api/v1/me")).json()) as { agent: { id: string } }).agent.id);
    await ada.goto(`${ws.server.url}/console/audit?actor=${encodeURIComponent(`agent:${alexId}`)}`);
    const cell = ada.getByRole("cell").filter({ hasText: "Alex Agent" }).first();
    await cell.waitFor();
    expect(await cell.innerText()).toContain(`agent:${alexId}`);
    await ws.shot(ada, "04-audit-named-actor");
  }, 120_000);
});
