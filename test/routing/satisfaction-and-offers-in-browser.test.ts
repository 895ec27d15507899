import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityServer } from "../auth/helpers/login.js";
import { axeViolations } from "../helpers/axe.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir } from "../policy/policy-dir.js";
import { consoleContext, SHOP_SITE_KEY, shopSites, startShop } from "../chat/browser-harness.js";
import { agentSocket, chatError, waitFor } from "../chat/live-chat-sockets.js";
import { ManualClock, openVisitor, type WsClient } from "../relay/ws-client.js";

// Satisfaction and routing as people see them, in Chromium on a real server: the visitor picks a
// team before the chat starts (or leaves it to the page's rule), the agent sees the offer in the
// console header with its remaining time, accepts it there, or sees it go when it runs out; after
// the end the visitor rates the chat once (by keyboard, across a reload), or skips; supervisors
// read the figures per agent, team and site, without comments; agents without stats:view do not.

const suite = chromiumPath ? describe : describe.skip;

const routingYaml = `version: 1
offer: { timeoutSeconds: 30, asvs: [V2.1.2] }
sites:
  shop:
    timeZone: Europe/Berlin
    teams:
      support: { name: Support, groups: [airlock-agents, airlock-supervisors], maxConcurrentChats: 2, visitorChoice: true }
      loans: { name: Loans, groups: [airlock-agents], maxConcurrentChats: 2, visitorChoice: true }
      vip: { name: Private banking, groups: [airlock-supervisors], maxConcurrentChats: 2 }
    defaultTeam: support
    pageRules: [{ prefix: /loans, team: loans }]
    asvs: [V2.1.2]
`;

const AIRLOCK_UI = "[data-airlock-ui]";
const COMMENT = "Quick and kind, thank you";

suite("satisfaction, team picker and offers in the browser", () => {
  let server: TestServer;
  let tb: TestBrowser;
  let shop: Awaited<ReturnType<typeof startShop>>;
  let agent: Page;
  const contexts: BrowserContext[] = [];
  const sockets: WsClient[] = [];
  const clock = new ManualClock();
  clock.t = Date.now();
  const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`csat-${name}`) });
  const widget = (page: Page) => page.locator(".alc-panel");
  const db = () => server.services.storage.db;
  let rated = ""; // the conversation the visitor rated
  let first: Page; // that visitor's tab

  beforeAll(async () => {
    shop = await startShop();
    server = await startIdentityServer({ AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": shopSites(shop.origin), "routing.yaml": routingYaml }) }, { chatClock: clock });
    shop.setAirlock(server.url);
    tb = await launchBrowser();
    const context = await consoleContext(tb.browser, server, "agent");
    contexts.push(context);
    agent = await context.newPage();
    agent.setDefaultTimeout(15_000);
    await agent.goto(`${server.url}/console/`);
    // The header's connection is up and the agent available: chats can be offered.
    await agent.locator("#availability[data-status=online]").waitFor();
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const c of contexts) await c.close().catch(() => undefined);
    await tb?.close();
    await server?.stop();
    await shop?.close();
  });

  async function visitorPage(path: string, viewport = { width: 900, height: 700 }): Promise<Page> {
    const context = await tb.browser.newContext({ viewport });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${shop.origin}${path}`);
    return page;
  }

  async function teamOf(conversation: string): Promise<string | null> {
    return (await db().selectFrom("chat_conversation").select("team").where("id", "=", conversation).executeTakeFirstOrThrow()).team;
  }

  /** The one chat waiting now (each test lets one wait at a time). */
  const waitingConversation = async () => (await db().selectFrom("chat_conversation").select("id").where("state", "=", "queued").executeTakeFirstOrThrow()).id;

  it("the visitor picks a team and waits in its queue; the agent sees the offer with its time in the header, and accepts it there", async () => {
    const visitor = await visitorPage("/");
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const picker = widget(visitor).getByRole("group", { name: "Who would you like to chat with?" });
    await picker.waitFor();
    // Teams visitors may not choose (vip) are not offered.
    expect(await picker.locator("label").allInnerTexts()).toEqual(["No preference", "Support", "Loans"]);
    expect(await picker.getByRole("radio", { name: "No preference" }).isChecked()).toBe(true);
    expect(await axeViolations(visitor, { include: [AIRLOCK_UI] })).toEqual([]);
    await shot(visitor, "01-team-picker");
    await picker.getByRole("radio", { name: "Loans" }).check();
    await widget(visitor).getByRole("button", { name: "Start chat" }).click();
    await widget(visitor).getByText("You are next in the queue.").waitFor();
    await shot(visitor, "02-queue-position");
    rated = await waitingConversation();
    expect(await teamOf(rated)).toBe("loans");

    const offers = agent.getByRole("button", { name: "1 chat offered to you" });
    await offers.waitFor();
    const offer = agent.getByRole("list", { name: "Chats offered to you" }).getByRole("listitem");
    expect(await offer.innerText()).toMatch(/Chat for Loans \(shop\)\s+(30|29|28) s left\s+Accept/);
    expect(await agent.getByTestId("offer-said").textContent()).toBe("Chat for Loans (shop) is offered to you: 30 seconds to accept.");
    await agent.screenshot({ path: screenshotPath("csat-03-offer-badge") });
    await offer.getByRole("button", { name: "Accept" }).click();
    await agent.waitForURL(/\/console\/chats\?site=shop$/);
    await widget(visitor).getByText("Alex Agent from Loans has joined the chat.").waitFor();
    expect(await agent.locator(".offers").isHidden()).toBe(true);
    first = visitor;
  });

  it("after the end the visitor rates 4 with a comment by keyboard, across a reload; a second rating gets a sentence and changes nothing", async () => {
    const page = first;
    await widget(page).getByRole("button", { name: "End chat" }).click();
    const prompt = widget(page).getByRole("group", { name: "How was this chat?" });
    await prompt.waitFor();
    expect(await axeViolations(page, { include: [AIRLOCK_UI] })).toEqual([]);
    await shot(page, "04-rating-prompt");
    // Focus went to the scores; arrow keys pick one.
    await expect.poll(() => page.evaluate(() => document.querySelector("[data-airlock-ui]")?.shadowRoot?.activeElement?.getAttribute("value"))).toBe("1");
    for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowRight");
    expect(await prompt.getByRole("radio", { name: "4 – Good" }).isChecked()).toBe(true);

    await page.reload();
    await prompt.waitFor();
    expect(await prompt.getByRole("radio", { name: "4 – Good" }).isChecked()).toBe(true);
    await widget(page).getByRole("textbox", { name: "Comment (optional)" }).fill(COMMENT);
    await widget(page).getByRole("button", { name: "Send rating" }).click();
    await widget(page).getByText("Thank you for your feedback.").waitFor();
    expect(await prompt.isHidden()).toBe(true);
    await shot(page, "05-rating-thanks");
    const row = await db().selectFrom("chat_rating").selectAll().where("conversation_id", "=", rated).executeTakeFirstOrThrow();
    expect(row.score).toBe(4);
    expect(String(row.comment)).not.toContain("Quick");

    // A copy of the tab that still shows the prompt (duplicated before the rating went).
    await page.evaluate(() => {
      const saved = JSON.parse(sessionStorage.getItem("airlock-chat") ?? "{}") as Record<string, unknown>;
      sessionStorage.setItem("airlock-chat", JSON.stringify({ ...saved, rating: "open" }));
    });
    await page.reload();
    await prompt.getByRole("radio", { name: "1 – Very poor" }).check();
    await widget(page).getByRole("button", { name: "Send rating" }).click();
    await widget(page).getByText("This chat has already been rated. Thank you.").waitFor();
    expect((await db().selectFrom("chat_rating").select("score").where("conversation_id", "=", rated).executeTakeFirstOrThrow()).score).toBe(4);
    await page.close();
  });

  it("an offer that runs out leaves the header and goes to the next agent; with no preference the page's rule picks the team; skipping stores nothing; an offered chat that ends leaves the header", async () => {
    const visitor = await visitorPage("/");
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    await widget(visitor).getByRole("button", { name: "Start chat" }).click(); // no preference
    await agent.getByRole("button", { name: "1 chat offered to you" }).waitFor();
    const id = await waitingConversation();
    expect(await teamOf(id)).toBe("support");

    const supervisor = await agentSocket(server, "supervisor");
    sockets.push(supervisor);
    supervisor.send({ kind: "watch-site", site: "shop" });
    await waitFor(supervisor, (f) => f.kind === "chat-conversation" && f.conversation === id, "the waiting chat in the supervisor's queue");
    clock.advance(30_000);
    const next = await waitFor(supervisor, (f) => f.kind === "chat-offer" && f.conversation === id && f.status === "offered", "the offer moving on");
    expect(next).toMatchObject({ team: "support", teamName: "Support", seconds: 30 });
    await agent.locator(".offers").waitFor({ state: "hidden" });
    expect(await agent.getByTestId("offer-said").textContent()).toBe("An offered chat ran out and went to a colleague.");

    supervisor.send({ kind: "chat-accept", conversation: id });
    await widget(visitor).getByText("Sam Supervisor from Support has joined the chat.").waitFor();
    await visitor.setViewportSize({ width: 360, height: 740 });
    await widget(visitor).getByRole("button", { name: "End chat" }).click();
    await widget(visitor).getByRole("group", { name: "How was this chat?" }).waitFor();
    expect(await axeViolations(visitor, { include: [AIRLOCK_UI] })).toEqual([]);
    await shot(visitor, "06-rating-prompt-360");
    await widget(visitor).getByRole("button", { name: "Skip" }).click();
    await widget(visitor).getByRole("button", { name: "Start a new chat" }).waitFor();
    expect(await widget(visitor).getByRole("group", { name: "How was this chat?" }).isHidden()).toBe(true);
    await visitor.reload();
    await widget(visitor).getByText("The chat has ended.").waitFor();
    expect(await widget(visitor).getByRole("group", { name: "How was this chat?" }).isHidden()).toBe(true);
    expect(await db().selectFrom("chat_rating").select("score").where("conversation_id", "=", id).execute()).toEqual([]);

    const onLoans = await visitorPage("/loans");
    await onLoans.getByRole("button", { name: "Chat with us" }).click();
    await widget(onLoans).getByRole("button", { name: "Start chat" }).click();
    await widget(onLoans).getByText("You are next in the queue.").waitFor();
    expect(await teamOf(await waitingConversation())).toBe("loans");
    // Offered to the agent; the visitor leaves before anyone takes it: the offer leaves the header.
    await agent.getByRole("button", { name: "1 chat offered to you" }).waitFor();
    await widget(onLoans).getByRole("button", { name: "End chat" }).click();
    await agent.locator(".offers").waitFor({ state: "hidden" });
    expect(await agent.getByTestId("offer-said").textContent()).toBe("An offered chat no longer waits: it was taken or it ended.");
  });

  it("refuses hostile frames: a rating of another visit's chat or of a chat not ended, a team visitors may not choose; nothing is stored", async () => {
    const { client } = await openVisitor(server, { origin: shop.origin, siteKey: SHOP_SITE_KEY, url: `${shop.origin}/` });
    sockets.push(client);
    client.send({ kind: "presence", url: `${shop.origin}/`, title: "Home", referrer: "" });
    const availability = await waitFor(client, (f) => f.kind === "chat-availability", "availability");
    expect(availability.teams).toEqual([{ id: "support", name: "Support" }, { id: "loans", name: "Loans" }]);
    const count = async () => Number((await db().selectFrom("chat_rating").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow()).n);
    const before = await count();
    let since = client.frames.length;
    client.send({ kind: "chat-rate", conversation: rated, score: 1, comment: "not mine" });
    expect((await chatError(client, "chat-rate", since)).code).toBe("not_found");
    since = client.frames.length;
    client.send({ kind: "chat-start", team: "vip" });
    expect((await chatError(client, "chat-start", since)).code).toBe("unknown_team");
    client.send({ kind: "chat-start" });
    const started = await waitFor(client, (f) => f.kind === "chat-conversation" && f.change === "started", "own chat");
    since = client.frames.length;
    client.send({ kind: "chat-rate", conversation: String(started.conversation), score: 5 });
    expect((await chatError(client, "chat-rate", since)).code).toBe("not_ended");
    expect(await count()).toBe(before);
  });

  it("shows supervisors satisfaction per agent, team and site without comments, at 1360 and 360 px, with no axe violations", async () => {
    const context = await consoleContext(tb.browser, server, "supervisor");
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${server.url}/console/`);
    await page.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Satisfaction" }).click();
    await page.getByRole("heading", { name: "Satisfaction", level: 1 }).waitFor();
    const byAgent = page.getByRole("table", { name: "Ratings by agent" });
    expect(await byAgent.getByRole("row", { name: /Alex Agent/ }).innerText()).toMatch(/^Alex Agent\s+1\s+4\.00\s+0\s+0\s+0\s+1\s+0/i);
    expect(await page.getByRole("table", { name: "Ratings by team" }).getByRole("row", { name: /Loans/ }).innerText()).toMatch(/^Loans · Test shop\s+1\s+4\.00\s+0\s+0\s+0\s+1\s+0/i);
    expect(await page.getByRole("table", { name: "Ratings by site" }).getByRole("row", { name: /Test shop/ }).innerText()).toMatch(/^Test shop\s+1\s+4\.00/i);
    expect(await page.locator("main").innerText()).not.toContain(COMMENT);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("csat-07-ratings-page"), fullPage: true });

    // Another period: a month long ago has no ratings.
    await page.getByRole("combobox", { name: "Period" }).selectOption("custom");
    await page.getByLabel("From", { exact: true }).fill("2020-01-01");
    await page.getByLabel("To", { exact: true }).fill("2020-01-31");
    await page.getByRole("button", { name: "Show" }).click();
    await page.getByTestId("ratings-period").getByText("Ratings given 2020-01-01 to 2020-01-31, all sites (UTC).").waitFor();
    expect(await byAgent.innerText()).toContain("No ratings in this period.");

    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${server.url}/console/ratings?period=7&site=shop`);
    await byAgent.getByRole("row", { name: /Alex Agent/ }).waitFor();
    // The page fits the window; the tables scroll sideways inside their own region.
    const sticksOut = () =>
      page.evaluate(() =>
        [...document.querySelectorAll("main *")].filter((e) => !e.closest(".table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 1).map((e) => `${e.tagName.toLowerCase()}.${[...e.classList].join(".")}`),
      );
    expect(await sticksOut()).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
    await page.screenshot({ path: screenshotPath("csat-08-ratings-page-360"), fullPage: true });
  });

  it("gives an agent without stats:view no ratings page (not in the navigation, not allowed by address) and 403 from the API", async () => {
    await agent.goto(`${server.url}/console/`);
    await agent.getByRole("navigation", { name: "Console" }).waitFor();
    expect(await agent.getByRole("navigation", { name: "Console" }).getByRole("link", { name: "Satisfaction" }).count()).toBe(0);
    await agent.goto(`${server.url}/console/ratings`);
    await agent.getByRole("heading", { name: "Not allowed" }).waitFor();
    expect(await agent.evaluate(() => fetch("/api/v1/chat/ratings").then((r) => r.status))).toBe(403);
  });
});
