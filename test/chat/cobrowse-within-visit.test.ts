import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, screenshotPath } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { chatsWorkspace } from "./browser-harness.js";

// Chat lives for the whole visit while co-browse sessions come and go within it, with the real
// visitor script (/siteconnect.js: widget and co-browsing on one /ws/visitor connection) on the
// demo shop and the real console: the visitor stops sharing and keeps chatting without a reload;
// the agent co-browses again from the chat (a new consent prompt), then leaves, and the chat
// still works both ways; the visitor moves to another page mid-chat and keeps the conversation.
// Each ended session's session is gone from the relay's memory.

const suite = chromiumPath ? describe : describe.skip;

suite("co-browse sessions come and go within one visit; chat stays (Chromium)", () => {
  const workspace = chatsWorkspace();
  const problems = workspace.problems;
  let server: TestServer;
  let visitor: Page;
  let agent: Page;
  const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`visit-${name}`) });
  const bar = () => visitor.getByRole("region", { name: "Screen sharing with support" });
  const pane = () => agent.locator(".chat-pane").first();

  beforeAll(async () => {
    ({ server, agent } = workspace);
    visitor = await (await workspace.newContext({ viewport: { width: 1100, height: 800 } })).newPage();
    visitor.setDefaultTimeout(15_000);
    visitor.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  });

  /** One message each way: the visitor's widget and the agent's chat pane. */
  async function talk(word: string): Promise<void> {
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    await input.fill(`Visitor says ${word}`);
    await input.press("Enter");
    await pane().getByText(`Visitor says ${word}`).waitFor();
    const reply = pane().getByRole("textbox", { name: "Message" });
    await reply.fill(`Agent answers ${word}`);
    await reply.press("Enter");
    await visitor.getByText(`Agent answers ${word}`).waitFor();
  }

  /** The chat pane's Co-browse button docks the viewer beside the conversation; the visitor is asked and shares. */
  async function cobrowseFromChat(step: string): Promise<Locator> {
    await pane().getByRole("button", { name: "Co-browse" }).click();
    const viewer = agent.getByRole("region", { name: /^Co-browse with / });
    const share = visitor.getByRole("button", { name: "Share my screen" });
    await share.waitFor();
    await shot(visitor, `${step}-consent-prompt`);
    await share.click();
    await bar().waitFor();
    await viewer.frameLocator("iframe").getByRole("heading", { level: 1 }).first().waitFor();
    return viewer;
  }

  async function sessionReleased(): Promise<void> {
    const { relay } = server.services;
    await expect.poll(() => relay.localSessionCount).toBe(0);
    expect(relay.retainedBytes()).toBe(0);
  }

  it("the visitor chats, the agent co-browses from the chat, the visitor stops sharing and keeps chatting without a reload", async () => {
    await visitor.goto(`${server.url}/demo`);
    // a marker that survives only as long as this very document: a reload would drop it
    await visitor.evaluate(() => ((window as { sameDocument?: boolean }).sameDocument = true));
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    await input.fill("Hi, can you look at my cart?");
    await input.press("Enter");
    await agent.getByRole("button", { name: "Accept" }).click();
    await pane().getByText("Hi, can you look at my cart?").waitFor();

    const viewer = await cobrowseFromChat("01");
    await shot(agent, "02-agent-sees-page");
    await bar().getByRole("button", { name: "Stop sharing" }).click();
    await expect.poll(() => bar().count()).toBe(0);
    await viewer.getByText("The co-browse session has ended.").waitFor();
    await sessionReleased();

    await talk("after stopping");
    expect(await visitor.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);
    await shot(visitor, "03-visitor-chats-after-stop");
    await viewer.getByRole("button", { name: "Close viewer" }).click();
  });

  it("the agent co-browses again from the chat (a new consent prompt), then leaves; chat still works both ways", async () => {
    const viewer = await cobrowseFromChat("04");
    await shot(agent, "05-agent-sees-page-again");
    await talk("while sharing again");
    await viewer.getByRole("button", { name: "Leave session" }).click();
    await expect.poll(() => bar().count()).toBe(0);
    await sessionReleased();
    await talk("after the agent left");
    await shot(agent, "06-agent-chat-after-leaving");
    await viewer.getByRole("button", { name: "Close viewer" }).click();
  });

  it("the visitor moves to another page mid-chat: same conversation; co-browsing from the chat asks again there", async () => {
    await visitor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Checkout" }).click();
    await visitor.getByRole("heading", { name: "Checkout" }).waitFor();
    await visitor.getByText("Agent answers after the agent left").waitFor();
    await talk("on the checkout page");
    const viewer = await cobrowseFromChat("07");
    await viewer.frameLocator("iframe").getByRole("heading", { name: "Checkout" }).waitFor();
    await shot(visitor, "08-visitor-shares-checkout");
    // Leaving first, then closing the viewer (closing alone leaves too).
    await viewer.getByRole("button", { name: "Leave session" }).click();
    await viewer.getByRole("button", { name: "Close viewer" }).click();
    await expect.poll(() => bar().count()).toBe(0);
    await sessionReleased();
    await talk("at the end");
    await shot(visitor, "09-visitor-chat-at-end");
    expect(problems).toEqual([]);
    // one visit throughout: the live list shows the visitor once, with both pages counted
    const listed = server.services.chat.presence.list("demo");
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ pagesViewed: 2, cobrowse: "none", chat: "active" });
  });
});
