import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath } from "../helpers/browser.js";
import { chatWorkspace } from "./chat-workspace.js";

// Co-browse started from the conversation opens the viewer docked beside it (the chat keeps
// going), fitted to its column with the scale shown; 100 % shows the visitor's page one to one,
// zoom steps in and out, full screen covers the window and Esc brings it back; closing the
// viewer leaves the session. Events in the conversation say when co-browsing started and ended.

const suite = chromiumPath ? describe : describe.skip;
const VISITOR_WIDTH = 1100;

suite("co-browse docked in the inbox: start from the conversation, fit, 100 %, zoom, full screen (Chromium)", () => {
  const workspace = chatWorkspace("inbox-dock");
  const problems: string[] = [];
  let agent: Page;
  let visitor: Page;
  const shot = (page: Page, name: string) => workspace.shot(page, name);
  const dock = () => agent.getByRole("region", { name: /^Co-browse with Visitor \d{4}$/ });
  const scale = () => dock().getByTestId("cb-scale").textContent();
  const frameWidth = () => dock().locator("iframe").evaluate((f) => Math.round(f.getBoundingClientRect().width));
  const pane = () => agent.locator(".inbox-conversation");
  const bar = () => visitor.getByRole("region", { name: "Screen sharing with support" });

  beforeAll(async () => {
    agent = await workspace.agent("agent");
    visitor = await workspace.visitor({ width: VISITOR_WIDTH, height: 760 });
    for (const page of [agent, visitor]) page.on("pageerror", (e) => problems.push(e.message));
    await agent.getByRole("heading", { name: "Chats", level: 1 }).waitFor();
  });

  it("starts from the conversation: the viewer docks beside the chat, fitted to its column, the scale shown", async () => {
    await visitor.goto(`${workspace.server.url}/demo`);
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    await input.fill("Can you look at my cart?");
    await input.press("Enter");
    await pane().getByRole("button", { name: "Accept" }).click();
    await pane().getByText("Can you look at my cart?").waitFor();
    await pane().getByRole("button", { name: "Co-browse" }).click();
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    await bar().waitFor();
    await dock().frameLocator("iframe").getByRole("heading", { level: 1 }).first().waitFor();
    // no new tab: the viewer is in the inbox, beside the conversation
    expect(agent.context().pages()).toHaveLength(1);
    await pane().locator(".chat-event").filter({ hasText: "Co-browse started" }).waitFor();
    expect(await dock().getByRole("button", { name: "Fit width" }).getAttribute("aria-pressed")).toBe("true");
    const stageWidth = await dock().locator(".cb-stage").evaluate((s) => s.clientWidth);
    await expect.poll(frameWidth).toBeGreaterThanOrEqual(stageWidth - 2);
    expect(await frameWidth()).toBeLessThanOrEqual(stageWidth);
    expect(await scale()).toBe(`${Math.round((stageWidth / VISITOR_WIDTH) * 100)} %`);
    // the chat carries on beside the page
    const reply = pane().getByRole("textbox", { name: "Message" });
    await reply.fill("I can see your cart now.");
    await reply.press("Enter");
    await visitor.getByText("I can see your cart now.").waitFor();
    await shot(agent, "01-docked-fit-width-1280");
    expect(await axeViolations(agent, { exclude: [".cb-stage"] })).toEqual([]);
  });

  it("100 % shows the visitor's page one to one (scale 1) and scrolls; zoom steps in and out", async () => {
    await dock().getByRole("button", { name: "100 %", exact: true }).click();
    expect(await scale()).toBe("100 %");
    await expect.poll(frameWidth).toBe(VISITOR_WIDTH);
    expect(await dock().locator(".cb-stage").evaluate((s) => s.scrollWidth > s.clientWidth)).toBe(true);
    await shot(agent, "02-docked-100-percent");
    await dock().getByRole("button", { name: "Zoom in" }).click();
    expect(await scale()).toBe("110 %");
    await dock().getByRole("button", { name: "Zoom out" }).click();
    await dock().getByRole("button", { name: "Zoom out" }).click();
    expect(await scale()).toBe("90 %");
    await expect.poll(frameWidth).toBe(Math.round(VISITOR_WIDTH * 0.9));
  });

  it("full screen covers the window; Esc returns to the dock", async () => {
    await dock().getByRole("button", { name: "Full screen" }).click();
    const box = await dock().boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 1280, height: 800 });
    await dock().getByRole("button", { name: "Fit width" }).click();
    await expect.poll(frameWidth).toBeGreaterThan(VISITOR_WIDTH);
    await shot(agent, "03-full-screen-fit-width");
    await agent.keyboard.press("Escape");
    await expect.poll(async () => (await dock().boundingBox())?.width ?? 0).toBeLessThan(1000);
    await expect.poll(frameWidth).toBeLessThan(VISITOR_WIDTH);
  });

  it("a narrow window shows the dock as a pane of its own; closing the viewer leaves the session", async () => {
    await agent.setViewportSize({ width: 700, height: 800 });
    await agent.locator(".inbox-switcher").getByRole("button", { name: "Co-browse" }).click();
    await dock().frameLocator("iframe").getByRole("heading", { level: 1 }).first().waitFor();
    expect(await agent.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBe(0);
    await shot(agent, "04-narrow-docked-700");
    await agent.setViewportSize({ width: 1280, height: 800 });
    await dock().getByRole("button", { name: "Close viewer" }).click();
    await expect.poll(() => bar().count()).toBe(0);
    await expect.poll(() => dock().count()).toBe(0);
    await agent.getByTestId("visitor-context").waitFor();
    await pane().locator(".chat-event").filter({ hasText: "Co-browse ended" }).waitFor();
    await expect.poll(() => workspace.server.services.relay.localSessionCount).toBe(0);
    await shot(agent, "05-after-close-1280");
    expect(problems).toEqual([]);
  });
});
