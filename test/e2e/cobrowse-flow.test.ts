import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VISITOR_CHAT_KINDS } from "../../src/protocol/chat-messages.js";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { startDemoAirlock, type DemoAirlock } from "./demo-airlock.js";
import { normalizeText, openVisitor, signInAgent, type Person, type Visitor } from "./people.js";
import { PageCopyView } from "./page-copy-view.js";
import { kindOf } from "../helpers/frame-fields.js";

// The whole co-browse path as a new user tries it after `make run`, through the real relay: a
// visitor on the demo shop and an agent signed in through the dev IdP with TOTP, each in their
// own Chromium context. Screenshots of both sides at every step land in
// test-results/screenshots/e2e-*.png. How long each change took to reach the agent is written
// to test-results/e2e-cobrowse-latency.json (reported, not asserted: times are noisy here).

const suite = chromiumPath ? describe : describe.skip;
const chatKinds: ReadonlySet<string> = new Set(VISITOR_CHAT_KINDS);

/** Strings that must never be in any frame the visitor's page sends. */
const SECRETS = ["4111", "IBAN", "12,345.67", "Reveal statement", "Hargreaves", "NW-4471", "Erika", "cobrowsing_nosync", "data-private"];

suite("co-browsing end to end through the real relay", () => {
  let demo: DemoAirlock;
  let tb: TestBrowser;
  let visitor: Visitor;
  let agent: Person;
  const latency: Record<string, number> = {};
  const bar = () => visitor.page.getByRole("region", { name: "Screen sharing with support" });
  const overlayBox = async () => {
    const box = await agent.page.locator(".cb-overlay").boundingBox();
    if (!box) throw new Error("the viewer's overlay is not visible");
    return box;
  };
  const agentStatus = () => agent.page.locator(".cb-status");
  let pageCopy: PageCopyView;
  const both = async (name: string) => {
    await visitor.shot(name);
    await agent.shot(name);
  };
  /** Polls until the agent's side shows the change; records how long that took. */
  async function reaches<T>(name: string, read: () => Promise<T>, expected: T): Promise<void> {
    const start = Date.now();
    await expect.poll(read, { timeout: 5_000, interval: 25 }).toEqual(expected);
    latency[name] = Date.now() - start;
  }

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    demo = await startDemoAirlock();
    tb = await launchBrowser();
  });
  afterAll(async () => {
    writeFileSync(path.resolve("test-results", "e2e-cobrowse-latency.json"), JSON.stringify(latency, null, 2));
    await tb?.close();
    await demo?.stop();
  });

  it("lists the visitor's session in the console for an agent who signed in with the dev IdP and TOTP", async () => {
    visitor = await openVisitor(tb.browser, `${demo.origin}/demo`, "e2e");
    await visitor.page.getByRole("heading", { name: "Office goods for careful people" }).waitFor();
    agent = await signInAgent(tb.browser, demo.origin, "/console/cobrowse", "agent", "e2e");
    pageCopy = new PageCopyView(agent.page);
    await agent.page.getByRole("heading", { name: "Co-browse", level: 1 }).waitFor();
    const row = agent.page.getByTestId("cobrowse-sessions").getByRole("row").filter({ hasText: "Airlock demo site" });
    await row.waitFor();
    await expect(row.innerText()).resolves.toContain("Visitor on the site");
    await both("01-session-listed");
    // Nothing but the opening frame (and the chat widget's presence line) left the visitor's page: no agent, no consent yet.
    expect(visitor.sent.map(kindOf).filter((k) => !chatKinds.has(k))).toEqual(["hello"]);
  });

  it("asks the visitor before anything is shown, then mirrors the page", async () => {
    await agent.page.getByRole("button", { name: /^Start co-browsing/ }).click();
    await agent.page.waitForURL(/\/console\/cobrowse\/[A-Za-z0-9_-]+$/);
    const allow = visitor.page.getByRole("button", { name: "Share my screen" });
    await allow.waitFor();
    await expect(visitor.page.getByRole("dialog").innerText()).resolves.toContain("Share this page with Alex Agent?");
    await both("02-consent-asked");
    expect(visitor.sent.map(kindOf)).not.toContain("snapshot");
    // The demo shop is served under a strict CSP and the visitor script works within it.
    const csp = (await visitor.page.request.get(`${demo.origin}/demo`)).headers()["content-security-policy"] ?? "";
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/style-src 'self'(;|$)/);

    await allow.click();
    await expect.poll(() => bar().innerText()).toContain("Alex Agent is viewing this page");
    const visitorText = normalizeText(await visitor.page.locator("main").innerText());
    await reaches("snapshot", async () => normalizeText(await pageCopy.text("main")), visitorText);
    await expect(agentStatus().innerText()).resolves.toBe("You are viewing the visitor's page");
    // The shop's stylesheet and product images reach the page copy through the asset proxy only.
    const assetUrls = await pageCopy.assetUrls();
    expect(assetUrls.length).toBeGreaterThan(3);
    for (const u of assetUrls) expect(u.startsWith(`${demo.origin}/relay/v1/asset?`)).toBe(true);
    await both("03-sharing");
  });

  it("shows the visitor's cart changes and scrolling", async () => {
    await visitor.page.click("button.add[data-product=mug]");
    await reaches("cart change", () => pageCopy.text("#cart-items"), await visitor.page.locator("#cart-items").innerText());
    await both("04-cart-changed");

    await visitor.page.mouse.move(500, 400);
    await visitor.page.mouse.wheel(0, 700);
    await expect.poll(() => visitor.page.evaluate(() => scrollY)).toBeGreaterThan(100);
    const y = await visitor.page.evaluate(() => scrollY);
    await reaches("scroll", () => pageCopy.scrollY(), y);
    await both("05-scrolled");
  });

  it("lets the agent point at a spot the visitor sees", async () => {
    const stage = await overlayBox();
    await agent.page.mouse.click(stage.x + stage.width / 3, stage.y + stage.height / 3);
    const mark = visitor.page.locator(".al-mark");
    await mark.waitFor();
    await expect(mark.innerText()).resolves.toBe("Alex Agent is pointing here");
    await both("06-highlight");
  });

  it("gives the agent control only after the visitor accepts; the agent scrolls and adds to the cart", async () => {
    await agent.page.getByRole("button", { name: "Request control" }).click();
    const allow = visitor.page.getByRole("button", { name: "Allow control" });
    await allow.waitFor();
    await both("07-control-asked");
    await allow.click();
    await expect.poll(() => agentStatus().innerText()).toBe("You are controlling the visitor's page");
    await expect.poll(() => bar().innerText()).toContain("Alex Agent is controlling this page");

    // The agent's wheel scrolls the visitor's page back to the top.
    const stage = await overlayBox();
    await agent.page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 2);
    await agent.page.mouse.wheel(0, -2000);
    await expect.poll(() => visitor.page.evaluate(() => scrollY)).toBe(0);
    await expect.poll(() => pageCopy.scrollY()).toBe(0);

    const button = await pageCopy.box("button.add[data-product=lamp]");
    await agent.page.mouse.click(button.x + button.width / 2, button.y + button.height / 2);
    await expect.poll(() => visitor.page.locator("#cart-items").innerText()).toContain("Aurora desk lamp");
    await reaches("agent click echoed", () => pageCopy.text("#cart-items"), await visitor.page.locator("#cart-items").innerText());
    await both("08-agent-added-to-cart");
  });

  it("follows the visitor to checkout, shows typing masked, and lets the agent type the address", async () => {
    await visitor.page.getByRole("link", { name: "Go to checkout" }).click();
    await visitor.page.getByRole("heading", { name: "Checkout" }).waitFor();
    // Same session on the next page: no new prompt, the bar is back at once.
    await expect.poll(() => bar().innerText()).toContain("Alex Agent is controlling this page");
    await reaches("navigation", () => pageCopy.text("h1"), "Checkout");

    await visitor.page.locator("#name").pressSequentially("Erika Example");
    await reaches("typing (masked)", () => pageCopy.value("#name"), "•".repeat("Erika Example".length));
    await visitor.page.locator("#card").fill("4111 1111 1111 1111");
    await expect.poll(() => pageCopy.value("#card")).toBe("•".repeat(19));
    await both("09-visitor-typing-masked");

    const address = await pageCopy.box("#address");
    await agent.page.mouse.click(address.x + 10, address.y + address.height / 2);
    await agent.page.getByLabel("Type into the visitor's field").waitFor();
    await agent.page.keyboard.type("Marktplatz 1");
    await expect.poll(() => visitor.page.inputValue("#address")).toBe("Marktplatz 1");
    await both("10-agent-typed-address");
  });

  it("refuses the agent's clicks and typing into the card field and the nosync block, on the server", async () => {
    const card = await pageCopy.box("#card");
    await agent.page.mouse.click(card.x + 10, card.y + card.height / 2);
    await expect.poll(() => agentStatus().innerText()).toContain("private");
    await agent.page.keyboard.type("4000");
    expect(await visitor.page.inputValue("#card")).toBe("4111 1111 1111 1111");
    await both("11-card-refused");

    await visitor.page.getByRole("link", { name: "My account" }).click();
    await visitor.page.getByRole("heading", { name: "My account" }).waitFor();
    await reaches("navigation to account", () => pageCopy.text("h1"), "My account");
    const pageCopyText = await pageCopy.text("main");
    expect(pageCopyText).toContain("Dana Demo");
    for (const secret of ["IBAN", "Hargreaves", "NW-4471"]) expect(pageCopyText).not.toContain(secret);
    const box = await pageCopy.box("div[data-airlock-masked]");
    expect(box.height).toBeGreaterThan(40); // an empty box of the block's size
    await agentStatus().evaluate((el) => (el.textContent = ""));
    await agent.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await expect.poll(() => agentStatus().innerText()).toContain("private");
    await both("12-nosync-refused");
  });

  it("ends the agent's view when the visitor presses Stop", async () => {
    await bar().getByRole("button", { name: "Stop sharing" }).click();
    await expect.poll(() => bar().count()).toBe(0);
    await agent.page.getByText("The co-browse session has ended.").waitFor();
    await expect.poll(() => pageCopy.count("body > *")).toBe(0);
    await both("13-stopped");
  });

  it("never sent the nosync block, masked-selector content, typed text or the card number in any frame", () => {
    expect(visitor.sent.length).toBeGreaterThan(10);
    const frames = visitor.sent.join("\n");
    for (const secret of SECRETS) expect(frames, secret).not.toContain(secret);
    expect(visitor.problems).toEqual([]);
    expect(agent.problems).toEqual([]);
  });
});
