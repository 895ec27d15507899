import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { acceptWaiting, chatWorkspace, expectNoAxeViolations, PHONE, widget } from "./chat-workspace.js";

// The end of a chat as the visitor sees it. Before: "The chat has ended." was put at the TOP of
// the log (out of view in a long chat) and the composer stayed active. Now the end is the last
// line of the log, scrolled into view, the composer is gone, and "Start a new chat" starts one.
// Screenshots: test-results/screenshots/ending-*.png (desktop 1280×800 and phone 390×844).

const suite = chromiumPath ? describe : describe.skip;

suite("the end of a chat in the widget (Chromium)", () => {
  const ws = chatWorkspace("ending");

  for (const [size, viewport] of [["desktop", undefined], ["phone", PHONE]] as const) {
    it(`${size}: the agent ends a long chat; the visitor reads the end at the bottom, the composer closes, and a new chat starts`, async () => {
      const alex = await ws.agent("agent");
      const visitor = await ws.visitor(viewport);
      await visitor.getByRole("button", { name: "Chat with us" }).click();
      const input = visitor.getByRole("textbox", { name: "Type your message" });
      await input.fill(`Hello from the ${size}`);
      await input.press("Enter");
      await acceptWaiting(alex);
      const pane = alex.locator(".chat-pane").filter({ hasText: `Hello from the ${size}` });
      const reply = pane.getByRole("textbox", { name: "Message" });
      // Enough lines that the log scrolls; the visitor then scrolls back to the top.
      for (let i = 1; i <= 12; i++) {
        await reply.fill(`Answer line ${i} of a long explanation about your order.`);
        await reply.press("Enter");
      }
      await visitor.getByText("Answer line 12 of a long explanation").waitFor();
      const log = widget(visitor).getByRole("log");
      await log.evaluate((el) => (el.scrollTop = 0));
      await pane.getByRole("button", { name: "End chat" }).click();

      const ended = widget(visitor).getByText("The chat has ended.");
      await ended.waitFor();
      // The last line of the log, and in view.
      expect(await log.evaluate((el) => el.lastElementChild?.textContent)).toBe("The chat has ended.");
      await expect.poll(() => log.evaluate((el) => el.scrollTop + el.clientHeight >= el.scrollHeight - 2)).toBe(true);
      await expect.poll(() => input.isVisible()).toBe(false);
      const again = widget(visitor).getByRole("button", { name: "Start a new chat" });
      await again.waitFor();
      await ws.shot(visitor, `01-ended-${size}`);
      await expectNoAxeViolations(visitor, ["[data-airlock-ui]"]);

      // Still there after a reload: the end stays readable until the visitor starts again.
      await visitor.reload();
      await widget(visitor).getByText("The chat has ended.").waitFor();
      await expect.poll(() => input.isVisible()).toBe(false);

      await again.click();
      await input.waitFor();
      await input.fill(`A second question from the ${size}`);
      await input.press("Enter");
      await acceptWaiting(alex);
      await alex.locator(".chat-pane").filter({ hasText: `A second question from the ${size}` }).waitFor();
      await widget(visitor).getByText("Alex Agent has joined the chat.").waitFor();
      expect(await widget(visitor).getByText("The chat has ended.").count()).toBe(0);
      await ws.shot(visitor, `02-new-chat-${size}`);
      await alex.context().close();
    }, 120_000);
  }
});
