import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, screenshotPath } from "../helpers/browser.js";
import { chatWorkspace } from "./chat-workspace.js";

// The finish of the inbox at 1280×800: the chat names its site by display name, the composer's
// placeholder fits and its keys are told in visible help the field is described by, chat bubbles
// follow the console's colours (dark mode too), and the docked viewer's controls sit in one row.

const suite = chromiumPath ? describe : describe.skip;

suite("the inbox's finish: site name, composer help, bubble colours, one-row viewer controls (Chromium)", () => {
  const workspace = chatWorkspace("inbox-finish");
  let agent: Page;
  let visitor: Page;
  const pane = () => agent.locator(".inbox-conversation");
  const dock = () => agent.getByRole("region", { name: /^Co-browse with Visitor \d{4}$/ });

  beforeAll(async () => {
    agent = await workspace.agent("agent");
    visitor = await workspace.visitor({ width: 1100, height: 760 });
    await agent.getByRole("heading", { name: "Chats", level: 1 }).waitFor();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = visitor.getByRole("textbox", { name: "Type your message" });
    await input.fill("Can you look at my cart?");
    await input.press("Enter");
    await pane().getByRole("button", { name: "Accept" }).click();
    await pane().getByText("Can you look at my cart?").waitFor();
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

  it("the docked viewer's zoom, guidance and session buttons are a row each; status, address and watchers one line below", async () => {
    await pane().getByRole("button", { name: "Co-browse" }).click();
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    await dock().frameLocator("iframe").getByRole("heading", { level: 1 }).first().waitFor();
    await dock().getByRole("button", { name: "Leave session" }).waitFor();
    await agent.screenshot({ path: screenshotPath("inbox-finish-dock-1280") });
    const rowsOf = (buttons: Element[]) => new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top))).size;
    // Zoom and guidance tools are one row each, and the session's buttons one more: three rows at most.
    expect(await dock().locator(".cb-bar button").evaluateAll(rowsOf)).toBeLessThanOrEqual(3);
    expect(await dock().getByRole("group", { name: "Zoom" }).locator("button").evaluateAll(rowsOf)).toBe(1);
    expect(await dock().getByRole("group", { name: "Guidance tools" }).locator("button").evaluateAll(rowsOf)).toBe(1);
    const lines = await dock().locator(".cb-meta > *").evaluateAll((parts) => new Set(parts.filter((p) => p.textContent).map((p) => Math.round(p.getBoundingClientRect().top))).size);
    expect(lines).toBe(1);
    expect(await dock().getByRole("group", { name: "Zoom" }).getByRole("button", { name: "Zoom in" }).count()).toBe(1);
  });
});
