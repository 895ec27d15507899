import { readFileSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanMessageText, MAX_MESSAGE_CHARS } from "../../src/chat/message-text.js";
import { startIdentityServer } from "../auth/helpers/login.js";
import { freePort } from "../helpers/ports.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir, replaceOnce, shipped } from "../policy/policy-dir.js";
import { consoleContext } from "./browser-harness.js";

const suite = chromiumPath ? describe : describe.skip;

/** Every payload of the public XSS corpora, packed into chat-sized messages (each payload kept whole where it fits). */
function corpusMessages(): string[] {
  const dir = path.resolve(import.meta.dirname, "../corpora/xss");
  const payloads = ["dompurify.json", "h5sc.json", "owasp-xss-filter-evasion.json"].flatMap((f) =>
    (JSON.parse(readFileSync(path.join(dir, f), "utf8")) as { payload: string }[]).map((e) => e.payload),
  );
  const limit = MAX_MESSAGE_CHARS - 100;
  const messages: string[] = [];
  let current = "";
  for (const p of payloads.flatMap((p) => (p.length > limit ? p.match(new RegExp(`[^]{1,${limit}}`, "g")) ?? [] : [p]))) {
    if (current && current.length + p.length + 2 > limit) {
      messages.push(current);
      current = "";
    }
    current = current ? `${current}\n\n${p}` : p;
  }
  if (current) messages.push(current);
  return messages.filter((m) => m.trim());
}

/** Traps dialogs and records CSP violations and script errors in a page. */
function watch(page: Page): string[] {
  const problems: string[] = [];
  page.setDefaultTimeout(15_000);
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  return problems;
}

/** The shipped sites.yaml with the demo site registered at this server's own origin (the origin check is exact). */
function demoSites(origin: string): string {
  return replaceOnce(shipped("sites.yaml"), "origins: [http://127.0.0.1:8080, http://localhost:8080]", `origins: [${origin}]`);
}

// The scenario with the real visitor script (/siteconnect.js: co-browsing and the chat
// widget on one /ws/visitor connection) on the demo shop Airlock serves at /demo under a strict CSP.
suite("live chat in Chromium: the visitor script's widget on the demo shop, agent console, transfer, auditor", () => {
  let server: TestServer;
  let tb: TestBrowser;
  const contexts: BrowserContext[] = [];
  let visitor: Page;
  let alex: Page;
  let vera: Page;
  const problems: Record<string, string[]> = {};
  const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(`chat-${name}`) });

  beforeAll(async () => {
    const port = await freePort();
    server = await startIdentityServer({
      AIRLOCK_PORT: String(port),
      AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": demoSites(`http://127.0.0.1:${port}`) }),
      // The XSS corpus travels as one visit's messages, far more than a person writes a minute.
      AIRLOCK_CHAT_MESSAGES_PER_MINUTE_PER_VISIT: "1000",
    });
    tb = await launchBrowser();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await tb?.close();
    await server?.stop();
  });

  async function consolePage(login: string): Promise<Page> {
    const context = await consoleContext(tb.browser, server, login);
    contexts.push(context);
    const page = await context.newPage();
    problems[login] = watch(page);
    await page.goto(`${server.url}/console/chats?site=demo`);
    await page.getByRole("heading", { name: "Chats", level: 1 }).waitFor();
    return page;
  }

  it("a visitor writes from the widget; the agent sees them live, accepts, and both type and talk", async () => {
    alex = await consolePage("agent");
    vera = await consolePage("viewer");
    const vc = await tb.browser.newContext({ viewport: { width: 1100, height: 800 } });
    contexts.push(vc);
    visitor = await vc.newPage();
    problems.visitor = watch(visitor);
    await visitor.goto(`${server.url}/demo`);

    // the agent's live visitor list shows the page the visitor is on
    await alex.getByRole("cell", { name: /Shop · Northwind Goods/ }).waitFor();
    await shot(alex, "00-agent-live-visitor-list");
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    await input.fill("Hello, I need help with my order https://example.test/order?id=1");
    await input.press("Enter");
    await shot(visitor, "01-visitor-asks");

    await alex.getByRole("button", { name: "Accept" }).click();
    const pane = alex.locator(".chat-pane").first();
    await pane.getByText("Hello, I need help with my order").waitFor();
    // links arrive as text, never as clickable HTML
    expect(await pane.locator(".chat-log a").count()).toBe(0);
    await visitor.getByText("Alex Agent has joined the chat.").waitFor();

    // typing indicators both ways
    await input.pressSequentially("Also", { delay: 20 });
    await pane.getByText(/^Visitor \d{4} is typing…$/).waitFor();
    const reply = pane.getByRole("textbox", { name: "Message" });
    await reply.pressSequentially("Let me", { delay: 20 });
    await visitor.getByText("The agent is typing…").waitFor();
    await shot(alex, "02-agent-typing-indicators");
    await reply.fill("Let me check that for you.");
    await reply.press("Enter");
    await visitor.getByText("Let me check that for you.").waitFor();
    await shot(visitor, "03-visitor-sees-reply");

    // the visitor moves on to another page of the shop: the same visit, the same conversation
    await visitor.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Checkout" }).click();
    await visitor.getByRole("heading", { name: "Checkout" }).waitFor();
    await visitor.getByText("Let me check that for you.").waitFor();
    const row = alex.getByRole("row").filter({ hasText: "Checkout · Northwind Goods" });
    await row.getByRole("cell", { name: "2", exact: true }).waitFor();
    await shot(visitor, "03a-visitor-next-page-same-chat");
  });

  it("every XSS corpus payload shows as literal text in the widget and in the console; no script runs", async () => {
    const messages = corpusMessages();
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    for (const m of messages) {
      await input.fill(m);
      await input.press("Enter");
    }
    const expected = messages.map((m) => cleanMessageText(m.trim()));
    const bubbleTexts = async (page: Page, selector: string, who: string) =>
      page.$$eval(selector, (nodes, whoSel) => nodes.map((n) => [...n.childNodes].filter((c) => !(c instanceof Element && c.matches(whoSel))).map((c) => c.textContent).join("")), who);
    await visitor
      .waitForFunction((n) => {
        const root = document.querySelector("[data-airlock-ui]")?.shadowRoot;
        return (root?.querySelectorAll(".alc-me:not(.alc-pending)").length ?? 0) >= n;
      }, expected.length + 1, { timeout: 60_000 })
      .catch(async (err: unknown) => {
        const seen = await visitor.evaluate(() => document.querySelector("[data-airlock-ui]")?.shadowRoot?.querySelectorAll(".alc-msg").length);
        throw new Error(`widget shows ${seen} bubbles of ${expected.length + 2} expected: ${String(err)}`);
      });
    const pane = alex.locator(".chat-pane").first();
    await pane.locator(".chat-them").nth(expected.length).waitFor({ timeout: 30_000 });

    const inWidget = (await bubbleTexts(visitor, "[data-airlock-ui] >> css=.alc-me", ".alc-who")).slice(-expected.length);
    const inConsole = (await bubbleTexts(alex, ".chat-pane .chat-them", ".chat-who")).slice(-expected.length);
    expect(inWidget).toEqual(expected);
    expect(inConsole).toEqual(expected);
    // nothing in either log is an element other than the bubbles and their sender labels
    const strayInWidget = await visitor.evaluate(() => {
      const root = document.querySelector("[data-airlock-ui]")?.shadowRoot;
      return [...(root?.querySelectorAll(".alc-log *") ?? [])].filter((e) => !e.matches(".alc-msg, .alc-who, .alc-note")).map((e) => e.tagName);
    });
    const strayInConsole = await alex.evaluate(() => [...document.querySelectorAll(".chat-log *")].filter((e) => !e.matches(".chat-msg, .chat-who, .chat-who time, .chat-delivery, .chat-event, .chat-event *, .chat-note, .chat-note strong")).map((e) => e.tagName));
    expect(strayInWidget).toEqual([]);
    expect(strayInConsole).toEqual([]);
    await shot(visitor, "04-visitor-xss-literal");
    await shot(alex, "05-agent-xss-literal");
    expect(problems.visitor).toEqual([]);
    expect(problems.agent).toEqual([]);
  }, 120_000);

  it("the agent transfers the chat with a note; the second agent continues", async () => {
    const pane = alex.locator(".chat-pane").first();
    await pane.getByRole("button", { name: "Transfer" }).click();
    await pane.locator(".chat-tools > *").first().waitFor();
    await shot(alex, "06a-transfer-form");
    await pane.getByRole("radio", { name: "Vera Viewer" }).check();
    await pane.getByRole("textbox", { name: /Note for your colleague/ }).fill("Wants a refund for order 1");
    await pane.getByRole("button", { name: "Transfer chat" }).click();
    const veraPane = vera.locator(".chat-pane").first();
    await veraPane.getByText("Wants a refund for order 1").waitFor();
    await veraPane.getByText("Hello, I need help with my order").waitFor();
    await pane.getByText("transferred").waitFor();
    const reply = veraPane.getByRole("textbox", { name: "Message" });
    await reply.fill("Hi, this is Vera. I have started your refund.");
    await reply.press("Enter");
    await visitor.getByText("Hi, this is Vera. I have started your refund.").waitFor();
    // the note was for agents only
    expect(await visitor.getByText("Wants a refund").count()).toBe(0);
    await shot(vera, "06-second-agent-continues");
    await shot(visitor, "07-visitor-after-transfer");
  });

  it("a supervisor sees live statistics and the chat in progress, joins it and writes", async () => {
    const sam = await consolePage("supervisor");
    await sam.getByRole("heading", { name: "Live statistics" }).waitFor();
    await sam.locator(".chat-stats").getByText("Agents online").waitFor();
    await sam.getByRole("button", { name: "Join" }).click();
    const pane = sam.locator(".chat-pane").first();
    await pane.getByText("Hi, this is Vera. I have started your refund.").waitFor();
    const box = pane.getByRole("textbox", { name: "Message" });
    await box.fill("Supervisor here, all good.");
    await box.press("Enter");
    await visitor.getByText("Supervisor here, all good.").waitFor();
    await shot(sam, "07b-supervisor-joined");
    expect(problems.supervisor).toEqual([]);
  });

  it("the agent now handling the chat starts co-browsing from it: the visitor is asked, shares, and the agent sees the page", async () => {
    const pane = vera.locator(".chat-pane").first();
    // the viewer docks beside the conversation, so the chat keeps running beside it
    await pane.getByRole("button", { name: "Co-browse" }).click();
    const dock = vera.getByRole("region", { name: /^Co-browse with / });
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    await dock.frameLocator("iframe").getByRole("heading", { name: "Checkout" }).waitFor();
    await shot(vera, "07c-agent-cobrowses-from-chat");
    await shot(visitor, "07d-visitor-shares-while-chatting");
    // the chat carries on beside the shared page
    const reply = vera.locator(".chat-pane").first().getByRole("textbox", { name: "Message" });
    await reply.fill("I can see your page now.");
    await reply.press("Enter");
    await visitor.getByText("I can see your page now.").waitFor();
    await dock.getByRole("button", { name: "Close viewer" }).click();
    expect(problems.viewer ?? []).toEqual([]);
  });

  it("an auditor reads the transcript (audited); the first agent cannot", async () => {
    const auditorContext = await consoleContext(tb.browser, server, "auditor");
    contexts.push(auditorContext);
    const auditor = await auditorContext.newPage();
    problems.auditor = watch(auditor);
    await auditor.goto(`${server.url}/console/transcripts`);
    await auditor.getByRole("link", { name: /^Read the chat with/ }).first().click();
    await auditor.getByText("Hi, this is Vera. I have started your refund.").waitFor();
    await auditor.getByText("Wants a refund for order 1").waitFor();
    await shot(auditor, "08-auditor-transcript");
    const reads = await server.services.storage.db.selectFrom("audit_log").select(["actor", "target"]).where("action", "=", "chatlog:read").where("target", "like", "conversation:%").execute();
    expect(reads.length).toBeGreaterThan(0);

    await alex.goto(`${server.url}/console/transcripts`);
    await alex.getByText(/not allowed|permission/i).first().waitFor();
    const id = reads[0]?.target?.slice("conversation:".length) ?? "";
    const status = await alex.evaluate(async (url) => (await fetch(url)).status, `${server.url}/api/v1/transcripts/${id}`);
    expect(status).toBe(403);
    await shot(alex, "09-agent-denied-transcripts");
    expect(problems.auditor).toEqual([]);
    // no chat text, note or page title in the server's log
    for (const secret of ["I need help with my order", "Let me check that", "Wants a refund", "started your refund", "Northwind Goods"]) expect(server.logText()).not.toContain(secret);
  });
});
