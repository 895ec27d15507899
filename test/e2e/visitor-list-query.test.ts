import type { Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { openVisitor, type WsClient } from "../relay/ws-client.js";
import { chatWorkspace, expectNoAxeViolations } from "./chat-workspace.js";

// The console's live visitor list is a server-side query: the agent filters by page address,
// sorts by a column and pages; the server sends that page and its changes only, with the site's
// counts. Thirty visits come from sockets (cheap), the agent's console is real Chromium.
// Screenshots: test-results/screenshots/visitor-list-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("live visitor list: filter, sort, page, a row updating live (Chromium)", () => {
  const ws = chatWorkspace("visitor-list");
  const sockets: WsClient[] = [];
  afterAll(() => sockets.forEach((s) => s.close()));

  async function visit(path: string, title: string): Promise<WsClient> {
    const origin = new URL(ws.server.url).origin;
    const { client } = await openVisitor(ws.server, { origin, url: `${origin}${path}` });
    sockets.push(client);
    client.send({ kind: "presence", url: `${origin}${path}`, title, referrer: "" });
    return client;
  }
  const list = (page: Page) => page.locator(".visitor-list");
  const rowTitles = async (page: Page) => list(page).locator("tbody .chat-page-title").allTextContents();

  it("filters, sorts and pages on the server, and shows a visible visitor's new page at once", async () => {
    const clients: WsClient[] = [];
    for (let i = 0; i < 30; i++) clients.push(await visit(`/demo/${i % 5 === 0 ? "checkout" : "products"}/${i}`, `Item ${i}`));
    const agent = await ws.agent("agent");
    const counts = list(agent).getByRole("status");
    await expect.poll(() => counts.textContent()).toBe("30 visitors on the site · 0 chatting · 0 co-browsing");
    const pager = list(agent).getByRole("navigation", { name: "Pages of the visitor list" });
    await pager.getByText("1–25 of 30").waitFor();
    await ws.shot(agent, "01-first-page");

    // Page 2 holds the five left.
    await pager.getByRole("button", { name: "Next" }).click();
    await pager.getByText("26–30 of 30").waitFor();
    expect(await rowTitles(agent)).toHaveLength(5);
    await pager.getByRole("button", { name: "Previous" }).click();
    await pager.getByText("1–25 of 30").waitFor();

    // Filter: the page address contains "checkout" (any case).
    await list(agent).getByLabel("Page address contains").fill("CHECKOUT");
    await pager.getByText("1–6 of 6").waitFor();
    expect((await rowTitles(agent)).sort()).toEqual(["Item 0", "Item 10", "Item 15", "Item 20", "Item 25", "Item 5"]);

    // Sort by visitor name, then the other way.
    const nameHeader = list(agent).getByRole("columnheader", { name: "Visitor" });
    await nameHeader.getByRole("button").click();
    await expect.poll(() => nameHeader.getAttribute("aria-sort")).toBe("ascending");
    const names = async () => list(agent).locator("tbody th").allTextContents();
    await expect.poll(async () => {
      const shown = await names();
      return shown.length === 6 && shown.join() === [...shown].sort((a, b) => a.localeCompare(b)).join();
    }).toBe(true);
    await nameHeader.getByRole("button").click();
    await expect.poll(() => nameHeader.getAttribute("aria-sort")).toBe("descending");
    await expect.poll(async () => {
      const shown = await names();
      return shown.join() === [...shown].sort((a, b) => b.localeCompare(a)).join();
    }).toBe(true);

    // A visitor on the page moves on: the row shows the new page and its count, live.
    const origin = new URL(ws.server.url).origin;
    clients[10]?.send({ kind: "presence", url: `${origin}/demo/checkout/payment`, title: "Payment", referrer: "" });
    const row = list(agent).getByRole("row").filter({ hasText: "Payment" });
    await row.waitFor();
    await expect.poll(() => row.locator("td").nth(1).textContent()).toBe("2");
    await ws.shot(agent, "02-filtered-sorted-live-row");

    // A visitor off the filter leaving changes the counts, not the rows.
    clients[1]?.close();
    await expect.poll(() => counts.textContent()).toBe("29 visitors on the site · 0 chatting · 0 co-browsing");
    await pager.getByText("1–6 of 6").waitFor();
    await expectNoAxeViolations(agent, [".visitor-list"]);
  }, 120_000);
});
