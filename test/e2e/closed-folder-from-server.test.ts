import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signInEnrolled } from "../auth/helpers/login.js";
import { chromiumPath } from "../helpers/browser.js";
import { chatWorkspace, expectNoAxeViolations } from "./chat-workspace.js";

// The Closed folder lists chats that ended before the inbox was opened. Before: it only knew
// chats that ended while the page was open, so after a reload or the next morning it was empty.
// Now the server gives the agent's ended chats, latest first, 25 at a time, and "Show older"
// fetches the next page. Screenshots: test-results/screenshots/closed-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("the inbox's Closed folder, from the server (Chromium)", () => {
  const ws = chatWorkspace("closed");

  it("shows yesterday's closed chats after opening the inbox, pages back with Show older, and opens one", async () => {
    const { agent: http } = await signInEnrolled(ws.server, "agent");
    const me = String(((await http.json(`${ws.server.url}/api/v1/me`)).body.agent as { id: string }).id);
    const db = ws.server.services.storage.db;
    const yesterday = Date.now() - 24 * 3_600_000;
    for (let i = 1; i <= 27; i++) {
      const id = randomUUID();
      const visitor = randomUUID().replaceAll("-", "");
      await db.insertInto("chat_conversation").values({ id, site_id: "demo", visitor_id: visitor, state: "ended", assigned_agent_id: me, last_seq: 0, created_at: yesterday, accepted_at: yesterday, ended_at: yesterday + i * 60_000 }).execute();
      await db.insertInto("chat_participant").values({ conversation_id: id, agent_id: me, role: "handler", joined_at: yesterday }).execute();
    }

    const alex = await ws.agent("agent");
    await expect.poll(() => alex.getByTestId("count-closed").textContent()).toBe("25");
    await alex.locator(".inbox-folder[data-folder=closed]").click();
    await expect.poll(() => alex.locator(".inbox-row").count()).toBe(25);
    const older = alex.getByRole("button", { name: "Show older" });
    await older.waitFor();
    await ws.shot(alex, "01-closed-folder-1280");
    await expectNoAxeViolations(alex, [".inbox"]);

    await older.click();
    await expect.poll(() => alex.getByTestId("count-closed").textContent()).toBe("27");
    await expect.poll(() => older.isVisible()).toBe(false);

    await alex.locator(".inbox-row").first().click();
    await alex.getByText("This conversation has ended.").waitFor();
    await alex.setViewportSize({ width: 700, height: 900 });
    await alex.getByRole("button", { name: "Conversations" }).click();
    await ws.shot(alex, "02-closed-folder-700");
  }, 120_000);
});
