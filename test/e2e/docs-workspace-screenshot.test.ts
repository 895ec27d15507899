import { mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { chatWorkspace, widget } from "./chat-workspace.js";

// The picture of the agent workspace in docs/console.md, made by the product itself: an agent
// accepts a visitor's chat, answers, and co-browses with the viewer docked beside the chat. Not
// part of the normal test run (it writes into docs/): `scripts/docs-screenshots.sh` runs it with
// AIRLOCK_DOCS_SCREENSHOTS=1 and the image is committed.

const enabled = chromiumPath !== undefined && process.env.AIRLOCK_DOCS_SCREENSHOTS === "1";
const suite = enabled ? describe : describe.skip;
const OUT = path.resolve("docs/images");

suite("the workspace screenshot of docs/console.md (Chromium)", () => {
  const ws = chatWorkspace("docs");

  it("writes docs/images/console-workspace.png and docs/images/console-workspace-cobrowse.png", async () => {
    mkdirSync(OUT, { recursive: true });
    const alex = await ws.agent("agent");
    const visitor = await ws.visitor();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = widget(visitor).getByRole("textbox", { name: "Type your message" });
    await input.fill("Hello! My order confirmation never arrived.");
    await input.press("Enter");
    const pane = alex.locator(".inbox-conversation");
    await pane.getByRole("button", { name: "Accept" }).click();
    const reply = pane.getByRole("textbox", { name: "Message" });
    await reply.fill("Hi, I'm Alex. Let me check that for you — which e-mail address did you use?");
    await reply.press("Enter");
    await widget(visitor).getByText("which e-mail address did you use?").waitFor();
    await input.fill("anna@example.com, yesterday around 6 pm.");
    await input.press("Enter");
    await pane.getByText("yesterday around 6 pm.").waitFor();
    await expect.poll(() => alex.getByTestId("visitor-context").textContent()).not.toContain("Open a conversation");
    const still = path.join(OUT, "console-workspace.png");
    await alex.screenshot({ path: still });

    await pane.getByRole("button", { name: "Co-browse" }).click();
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    const dock = alex.getByRole("region", { name: /^Co-browse with Visitor \d{4}$/ });
    await dock.frameLocator("iframe").locator("img").first().waitFor();
    await expect.poll(() => dock.frameLocator("iframe").locator("img").evaluateAll((all) => all.every((i) => (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
    const docked = path.join(OUT, "console-workspace-cobrowse.png");
    await alex.screenshot({ path: docked });
    for (const file of [still, docked]) expect(statSync(file).size).toBeLessThan(400_000);
  }, 120_000);
});
