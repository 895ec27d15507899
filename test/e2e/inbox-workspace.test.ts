import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath, screenshotPath } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { chatsWorkspace } from "../chat/browser-harness.js";

// The agent's inbox in Chromium with the real visitor script on the demo shop: three panes
// (conversations, conversation, visitor), driven from the keyboard; named, timed messages and
// events; the visitor's context moving live; one pseudonym for the visit in the list, the chat,
// the live visitor table and the co-browse sessions; zero axe violations; and a narrow window
// where the panes become switchable and nothing overflows.

const suite = chromiumPath ? describe : describe.skip;

suite("the agent's inbox: three panes, keyboard, context, one name per visit (Chromium)", () => {
  const workspace = chatsWorkspace();
  const problems = workspace.problems;
  let server: TestServer;
  let agent: Page;
  const visitors: Page[] = [];
  const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`inbox-${name}`) });

  beforeAll(async () => {
    ({ server, agent } = workspace);
    await agent.setViewportSize({ width: 1280, height: 800 });
  });

  async function visitorAsks(text: string): Promise<Page> {
    const context = await workspace.newContext({ viewport: { width: 1100, height: 800 }, locale: "de-CH" });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on("pageerror", (e) => problems.push(`visitor: ${e.message}`));
    await page.goto(`${server.url}/demo`);
    await page.getByRole("button", { name: "Chat with us" }).click();
    const input = page.getByRole("textbox", { name: "Type your message" });
    await input.fill(text);
    await input.press("Enter");
    visitors.push(page);
    return page;
  }

  const list = () => agent.getByRole("listbox", { name: /conversations/ });
  const pane = () => agent.locator(".inbox-conversation");
  const context = () => agent.getByTestId("visitor-context");

  it("lists waiting chats with counts and the longest wait; ↑/↓ and Enter open one; Accept moves it to Mine", async () => {
    await visitorAsks("First visitor: where is my parcel?");
    await expect.poll(() => agent.getByTestId("count-waiting").textContent()).toBe("1");
    await visitorAsks("Second visitor: I cannot log in");
    await expect.poll(() => agent.getByTestId("count-waiting").textContent()).toBe("2");
    await expect.poll(() => agent.getByTestId("longest-wait").textContent()).toMatch(/^Longest wait \d+:\d{2}$/);
    const rows = list().getByRole("option");
    await expect.poll(() => rows.count()).toBe(2);
    const [first, second] = [await rows.nth(0).locator(".inbox-row-name").textContent(), await rows.nth(1).locator(".inbox-row-name").textContent()];
    expect(first).toMatch(/^Visitor \d{4}$/);
    expect(second).toMatch(/^Visitor \d{4}$/);
    // the oldest waiting chat opens by itself; the keyboard picks the other
    await pane().getByRole("heading", { name: first ?? "" }).waitFor();
    await list().focus();
    await agent.keyboard.press("ArrowDown");
    expect(await rows.nth(1).getAttribute("aria-selected")).toBe("true");
    await agent.keyboard.press("Enter");
    await pane().getByRole("heading", { name: second ?? "" }).waitFor();
    await shot(agent, "01-waiting-1280");
    await pane().getByRole("button", { name: "Accept" }).click();
    await pane().getByText("Second visitor: I cannot log in").waitFor();
    await expect.poll(() => agent.getByTestId("count-mine").textContent()).toBe("1");
    await expect.poll(() => agent.getByTestId("count-waiting").textContent()).toBe("1");
    expect(await agent.locator(".inbox-folder[aria-pressed=true]").getAttribute("data-folder")).toBe("mine");
    // back to Waiting with the keyboard: Up/Enter on the list
    await agent.locator(".inbox-folder[data-folder=waiting]").click();
    await list().focus();
    await agent.keyboard.press("Home");
    await agent.keyboard.press("Enter");
    await pane().getByRole("heading", { name: first ?? "" }).waitFor();
    // keyboard only: Enter opened the row and put focus on Accept; Enter accepts, the composer takes focus
    await expect.poll(() => agent.evaluate(() => document.activeElement?.textContent)).toBe("Accept");
    await agent.keyboard.press("Enter");
    await pane().getByText("First visitor: where is my parcel?").waitFor();
    await expect.poll(() => agent.evaluate(() => document.activeElement?.getAttribute("aria-label"))).toBe("Message");
    await expect.poll(() => agent.getByTestId("count-mine").textContent()).toBe("2");
    await expect.poll(() => agent.getByTestId("count-waiting").textContent()).toBe("0");
  });

  it("messages carry names and times, events sit between them, the agent's own say Sent; the visitor's typing is named", async () => {
    const visitor = visitors[0];
    if (!visitor) throw new Error("no visitor");
    const name = (await pane().locator(".chat-pane-head h2").textContent()) ?? "";
    const log = pane().getByRole("log");
    const theirs = log.locator(".chat-them").filter({ hasText: "where is my parcel" });
    await expect.poll(() => theirs.locator(".chat-who").textContent()).toMatch(new RegExp(`^${name} \\d{2}:\\d{2}$`));
    expect(await theirs.locator("time").getAttribute("datetime")).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    await log.locator(".chat-event").filter({ hasText: "You accepted the chat" }).waitFor();
    const reply = pane().getByRole("textbox", { name: "Message" });
    await reply.fill("It left our warehouse this morning.");
    await reply.press("Enter");
    const mine = log.locator(".chat-me").filter({ hasText: "It left our warehouse" });
    await mine.locator(".chat-delivery", { hasText: "Sent" }).waitFor();
    expect(await mine.locator(".chat-who").textContent()).toMatch(/^You \d{2}:\d{2}$/);
    await visitor.getByText("It left our warehouse this morning.").waitFor();
    await visitor.getByRole("textbox", { name: "Type your message" }).pressSequentially("Thanks", { delay: 30 });
    await pane().getByText(`${name} is typing…`).waitFor();
  });

  it("the visitor context shows page, pages viewed with times, referrer, language, browser, and time on site moving", async () => {
    const visitor = visitors[0];
    if (!visitor) throw new Error("no visitor");
    await context().getByTestId("current-page-title").filter({ hasText: "Shop · Northwind Goods" }).waitFor();
    await context().getByText(/German · de-CH$/).waitFor();
    await context().getByText("Chrome · Desktop").waitFor();
    await context().getByText("Direct visit").waitFor();
    await context().getByText("Not verified").waitFor();
    const before = await context().getByTestId("time-on-site").textContent();
    await expect.poll(() => context().getByTestId("time-on-site").textContent()).not.toBe(before);
    await visitor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Checkout" }).click();
    await visitor.getByRole("heading", { name: "Checkout" }).waitFor();
    await context().getByTestId("current-page-title").filter({ hasText: "Checkout · Northwind Goods" }).waitFor();
    await context().getByRole("heading", { name: "Pages viewed (2)" }).waitFor();
    const pages = context().getByRole("list", { name: "Pages viewed, latest first" }).getByRole("listitem");
    expect(await pages.count()).toBe(2);
    expect(await pages.nth(0).textContent()).toMatch(/^Checkout · Northwind Goods\d{2}:\d{2}:\d{2}$/);
    await shot(agent, "02-conversation-and-context-1280");
  });

  it("one visit, one name: the list, the chat, the visitor table and the co-browse sessions agree", async () => {
    const name = (await pane().locator(".chat-pane-head h2").textContent()) ?? "";
    expect(await context().getByRole("heading", { level: 2 }).textContent()).toBe(name);
    await list().getByRole("option", { name: new RegExp(name) }).waitFor();
    await agent.getByRole("row").filter({ hasText: "Checkout · Northwind Goods" }).getByRole("rowheader", { name }).waitFor();
    const sessions = await agent.context().newPage();
    await sessions.goto(`${server.url}/console/cobrowse`);
    const names = sessions.getByTestId("visitor-name");
    await expect.poll(async () => (await names.allTextContents()).sort()).toEqual(
      (await agent.locator(".inbox-visitors tbody th").allTextContents()).sort(),
    );
    await sessions.getByTestId("visitor-name").filter({ hasText: name }).waitFor();
    await shot(sessions, "03-cobrowse-sessions-named");
    await sessions.close();
  });

  it("has no axe violations, and a 700 px window switches between panes without overflowing", async () => {
    expect(await axeViolations(agent)).toEqual([]);
    await agent.setViewportSize({ width: 700, height: 800 });
    await agent.locator(".inbox-switcher").getByRole("button", { name: "Conversations" }).click();
    await list().waitFor();
    const overflow = () => agent.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const wide = () => agent.evaluate(() => [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest(".table-wrap")).map((e) => `${e.tagName}.${e.className}`).slice(0, 5));
    expect({ wide: await wide(), overflow: await overflow() }).toEqual({ wide: [], overflow: 0 });
    await shot(agent, "04-narrow-list-700");
    await agent.locator(".inbox-switcher").getByRole("button", { name: "Conversation", exact: true }).click();
    await pane().getByRole("textbox", { name: "Message" }).waitFor();
    expect(await overflow()).toBe(0);
    await shot(agent, "05-narrow-conversation-700");
    await agent.locator(".inbox-switcher").getByRole("button", { name: "Visitor" }).click();
    await context().getByTestId("time-on-site").waitFor();
    expect(await overflow()).toBe(0);
    await shot(agent, "06-narrow-visitor-700");
    expect(await axeViolations(agent)).toEqual([]);
    await agent.setViewportSize({ width: 1280, height: 800 });
    expect(problems).toEqual([]);
  });
});
