import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityServer } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import { freePort } from "../helpers/ports.js";
import type { TestServer } from "../helpers/server.js";
import { policyDir } from "../policy/policy-dir.js";
import { buildConsoleBundle, buildVisitorBundle } from "../visitor/host-site.js";
import { consoleContext } from "../chat/browser-harness.js";
import { LOOPBACK_ASSETS } from "./chat-workspace.js";
import { demoSitesYaml } from "./demo-airlock.js";

// The finish of the inbox at 1280×800: the chat names its site by display name, the composer's
// placeholder fits and its keys are told in visible help the field is described by, chat bubbles
// follow the console's colours (dark mode too), and the docked viewer's controls sit in one row.

const suite = chromiumPath ? describe : describe.skip;

suite("the inbox's finish: site name, composer help, bubble colours, one-row viewer controls (Chromium)", () => {
  let server: TestServer;
  let tb: TestBrowser;
  const contexts: BrowserContext[] = [];
  let agent: Page;
  let visitor: Page;
  const pane = () => agent.locator(".inbox-conversation");
  const dock = () => agent.getByRole("region", { name: /^Co-browse with Visitor \d{4}$/ });

  beforeAll(async () => {
    buildVisitorBundle();
    buildConsoleBundle();
    const port = await freePort();
    server = await startIdentityServer({ AIRLOCK_PORT: String(port), AIRLOCK_POLICY_DIR: policyDir({ "sites.yaml": demoSitesYaml(`http://127.0.0.1:${port}`) }), ...LOOPBACK_ASSETS });
    tb = await launchBrowser();
    const agentContext = await consoleContext(tb.browser, server, "agent");
    const visitorContext = await tb.browser.newContext({ viewport: { width: 1100, height: 760 } });
    contexts.push(agentContext, visitorContext);
    agent = await agentContext.newPage();
    await agent.setViewportSize({ width: 1280, height: 800 });
    visitor = await visitorContext.newPage();
    for (const page of [agent, visitor]) page.setDefaultTimeout(15_000);
    await agent.goto(`${server.url}/console/chats?site=demo`);
    await agent.getByRole("heading", { name: "Chats", level: 1 }).waitFor();
    await visitor.goto(`${server.url}/demo`);
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    await input.fill("Can you look at my cart?");
    await input.press("Enter");
    await pane().getByRole("button", { name: "Accept" }).click();
    await pane().getByText("Can you look at my cart?").waitFor();
  });
  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await tb?.close();
    await server?.stop();
  });

  it("the chat's header names the site by its display name, never its id", async () => {
    const site = pane().locator(".chat-site");
    const options = await agent.getByRole("combobox", { name: "Site", exact: true }).locator("option:checked").textContent();
    expect(await site.textContent()).toBe(options);
    expect(await site.textContent()).not.toBe("demo");
  });

  it("the composer's placeholder fits its box; Enter, Shift+Enter and / are told in help that describes the field", async () => {
    const box = pane().getByRole("textbox", { name: "Message" });
    // The placeholder is one short phrase: as wide as the text area's content box at most.
    const fits = await box.evaluate((t: HTMLTextAreaElement) => {
      const probe = document.createElement("span");
      probe.textContent = t.placeholder;
      probe.style.font = getComputedStyle(t).font;
      probe.style.position = "absolute";
      document.body.append(probe);
      const width = probe.getBoundingClientRect().width;
      probe.remove();
      return width <= t.clientWidth - 16;
    });
    expect(fits).toBe(true);
    // The field may be described by more than one element (the / picker adds its own hint).
    const helpIds = ((await box.getAttribute("aria-describedby")) ?? "").split(" ").filter(Boolean);
    const helps = await Promise.all(helpIds.map(async (id) => ({ text: await pane().locator(`[id="${id}"]`).textContent(), visible: await pane().locator(`[id="${id}"]`).isVisible() })));
    expect(helps).toContainEqual({ text: expect.stringMatching(/Enter sends.*Shift\+Enter.*\//), visible: true });
  });

  it("chat bubbles take the console's colours, so dark mode is dark", async () => {
    await agent.emulateMedia({ colorScheme: "dark" });
    try {
      const colours = await pane().locator(".chat-msg").first().evaluate((m) => {
        const root = getComputedStyle(document.documentElement);
        const probe = document.createElement("div");
        probe.style.background = root.getPropertyValue("--bg");
        document.body.append(probe);
        const dark = getComputedStyle(probe).backgroundColor;
        probe.remove();
        return { log: getComputedStyle(m.parentElement as HTMLElement).backgroundColor, bubble: getComputedStyle(m).backgroundColor, text: getComputedStyle(m).color, dark };
      });
      await agent.screenshot({ path: screenshotPath("inbox-finish-dark-1280") });
      expect(colours.log).toBe(colours.dark);
      // light text on a dark bubble: the sum of the text's channels is above the bubble's
      const sum = (rgb: string) => (rgb.match(/\d+/g) ?? []).slice(0, 3).reduce((a, b) => a + Number(b), 0);
      expect(sum(colours.text)).toBeGreaterThan(sum(colours.bubble));
    } finally {
      await agent.emulateMedia({ colorScheme: "light" });
    }
  });

  it("the docked viewer's zoom and session buttons are one row; status, address and watchers one line below", async () => {
    await pane().getByRole("button", { name: "Co-browse" }).click();
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    await dock().frameLocator("iframe").getByRole("heading", { level: 1 }).first().waitFor();
    await dock().getByRole("button", { name: "Leave session" }).waitFor();
    await agent.screenshot({ path: screenshotPath("inbox-finish-dock-1280") });
    const rows = await dock().locator(".cb-bar button").evaluateAll((buttons) => new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top))).size);
    expect(rows).toBe(1);
    const lines = await dock().locator(".cb-meta > *").evaluateAll((parts) => new Set(parts.filter((p) => p.textContent).map((p) => Math.round(p.getBoundingClientRect().top))).size);
    expect(lines).toBe(1);
    expect(await dock().getByRole("group", { name: "Zoom" }).getByRole("button", { name: "Zoom in" }).count()).toBe(1);
  });
});
