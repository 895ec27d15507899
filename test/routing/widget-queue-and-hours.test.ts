import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityServer } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir } from "../policy/policy-dir.js";
import { consoleContext, shopSites, startShop } from "../chat/browser-harness.js";
import { agentSocket, waitFor } from "../chat/live-chat-sockets.js";
import { ManualClock, type WsClient } from "../relay/ws-client.js";

// The widget in Chromium with routing on: a waiting visitor reads their place in the queue, and
// it moves up when an agent takes the chat ahead; on a page whose team is closed (Saturday, the
// loans team works Monday to Friday) the widget offers the offline form and says when chat opens,
// and an agent's invitation to that visitor is refused.

const suite = chromiumPath ? describe : describe.skip;

/** Saturday 5 December 2026, 11:00 in Berlin. */
const SATURDAY = Date.parse("2026-12-05T10:00:00Z");

const routingYaml = `version: 1
offer: { timeoutSeconds: 30, asvs: [V2.1.2] }
sites:
  shop:
    timeZone: Europe/Berlin
    teams:
      support: { name: Support, groups: [airlock-agents], maxConcurrentChats: 1 }
      loans:
        name: Loans
        groups: [airlock-agents]
        maxConcurrentChats: 1
        hours: { weekly: { mon: ["09:00-17:00"], tue: ["09:00-17:00"], wed: ["09:00-17:00"], thu: ["09:00-17:00"], fri: ["09:00-17:00"] } }
    defaultTeam: support
    pageRules: [{ prefix: /loans, team: loans }]
    asvs: [V2.1.2]
`;

suite("routing in the widget (Chromium): place in the queue, closed hours", () => {
  let server: TestServer;
  let tb: TestBrowser;
  let shop: Awaited<ReturnType<typeof startShop>>;
  let agent: WsClient & { readonly agentId: string };
  const contexts: BrowserContext[] = [];
  const clock = new ManualClock();
  clock.t = SATURDAY;
  const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`routing-${name}`) });
  const widget = (page: Page) => page.locator(".alc-panel");

  beforeAll(async () => {
    shop = await startShop();
    server = await startIdentityServer({ AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": shopSites(shop.origin), "routing.yaml": routingYaml }) }, { chatClock: clock });
    shop.setAirlock(server.url);
    tb = await launchBrowser();
    agent = await agentSocket(server, "agent");
    agent.send({ kind: "watch-site", site: "shop" });
  });
  afterAll(async () => {
    agent?.close();
    for (const c of contexts) await c.close().catch(() => undefined);
    await tb?.close();
    await server?.stop();
    await shop?.close();
  });

  async function visitorPage(path: string): Promise<Page> {
    const context = await tb.browser.newContext({ viewport: { width: 900, height: 700 } });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${shop.origin}${path}`);
    return page;
  }

  it("tells each waiting visitor their place in the queue, and moves them up when an agent takes the chat ahead", async () => {
    const first = await visitorPage("/");
    await first.getByRole("button", { name: "Chat with us" }).click();
    // The only agent is offered this chat; at one chat at most, the next visitor waits behind it.
    await widget(first).getByText("You are next in the queue.").waitFor();
    const offer = await waitFor(agent, (f) => f.kind === "chat-offer" && f.status === "offered", "the offer of the first chat");
    expect(offer.expiresAt).toBe(SATURDAY + 30_000);

    clock.advance(60_000); // a minute later
    const second = await visitorPage("/");
    await second.getByRole("button", { name: "Chat with us" }).click();
    await widget(second).getByText("You are number 2 in the queue.").waitFor();
    await second.getByRole("textbox", { name: "Type your message" }).fill("Is my card blocked?");
    await shot(second, "01-number-2-in-queue");

    agent.send({ kind: "chat-accept", conversation: offer.conversation });
    // The site routes by teams: the visitor reads who took the chat and for which team.
    await widget(first).getByText("Alex Agent from Support has joined the chat.").waitFor();
    await shot(first, "02a-joined-from-team");
    await widget(second).getByText("You are next in the queue.").waitFor();
    expect(await widget(second).getByText("You are number 2 in the queue.").count()).toBe(0);
    await shot(second, "02-next-in-queue");
  });

  it("outside the loans team's hours, the widget offers the offline form, says when chat opens, and no invitation is sent", async () => {
    const visitor = await visitorPage("/loans");
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    await widget(visitor).getByText("Chat is closed right now. Chat opens Monday at 09:00. Leave a message and we will get back to you.").waitFor();
    await expect(widget(visitor).getByRole("textbox", { name: "Message" }).isVisible()).resolves.toBe(true);
    await shot(visitor, "03-closed-opens-monday");

    // The agent's list shows the visitor on the loans page; an invitation is refused while closed.
    agent.send({ kind: "visitors-query", query: "loans", filter: { sites: ["shop"], urlContains: "/loans", sort: { by: "startedAt", order: "asc" }, offset: 0, limit: 10 } });
    const listed = await waitFor(agent, (f) => f.kind === "visitors-page" && f.query === "loans" && (f.rows as unknown[]).length === 1, "the loans visitor in the list");
    const [target] = listed.rows as { visitor: string }[];
    const since = agent.frames.length;
    agent.send({ kind: "chat-invite", site: "shop", visitor: target?.visitor ?? "" });
    const refusal = await waitFor(agent, (f) => agent.frames.indexOf(f) >= since && f.kind === "chat-error", "the refused invitation");
    expect(refusal.code).toBe("chat_closed");
    expect(agent.frames.slice(since).some((f) => f.kind === "chat-invite-status")).toBe(false);
    expect(await visitor.getByText("Can we help you?").count()).toBe(0);
  });

  it("shows the supervisor the queue of each team, open or closed", async () => {
    const context = await consoleContext(tb.browser, server, "supervisor");
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/console/queue?site=shop`);
    const teams = page.getByRole("table", { name: "Queues by team" });
    await teams.getByRole("row", { name: /Support/ }).waitFor();
    expect(await teams.getByRole("row", { name: /Support/ }).innerText()).toMatch(/Support\s+Open\s+1\s+/);
    expect(await teams.getByRole("row", { name: /Loans/ }).innerText()).toMatch(/Loans\s+Closed \(business hours\)\s+0\s+—/);
    await page.screenshot({ path: screenshotPath("routing-04-supervisor-queues-by-team"), fullPage: true });
  });
});
