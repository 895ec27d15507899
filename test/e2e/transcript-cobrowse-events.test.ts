import { describe, expect, it } from "vitest";
import { chromiumPath } from "../helpers/browser.js";
import { chatWorkspace, expectNoAxeViolations, widget } from "./chat-workspace.js";

// A transcript shows the co-browse sessions of its chat among the messages: started, an agent
// watching, control given, ended with its reason. Before: the relay's audit named only the
// co-browse session, so the transcript could not show them. Now a session that starts is linked
// to the visit's open chats (ids only) and the transcript reads its events from the audit trail.
// Screenshots: test-results/screenshots/transcript-cobrowse-*.png.

const suite = chromiumPath ? describe : describe.skip;

suite("co-browse events in the chat's transcript (Chromium)", () => {
  const ws = chatWorkspace("transcript-cobrowse");

  it("start, watcher, control and end appear in order between the chat's messages, without anything of the page", async () => {
    const alex = await ws.agent("agent");
    const visitor = await ws.visitor();
    await visitor.getByRole("button", { name: "Chat with us" }).click();
    const input = widget(visitor).getByRole("textbox", { name: "Type your message" });
    await input.fill("Can you look at my cart?");
    await input.press("Enter");
    const pane = alex.locator(".inbox-conversation");
    await pane.getByRole("button", { name: "Accept" }).click();
    await pane.getByText("Can you look at my cart?").waitFor();

    await pane.getByRole("button", { name: "Co-browse" }).click();
    await visitor.getByRole("button", { name: "Share my screen" }).click();
    const dock = alex.getByRole("region", { name: /^Co-browse with Visitor \d{4}$/ });
    await dock.frameLocator("iframe").getByRole("heading", { level: 1 }).first().waitFor();
    await dock.getByRole("button", { name: "Request control" }).click();
    await visitor.getByRole("button", { name: "Allow control" }).click();
    await pane.locator(".chat-event").filter({ hasText: "Co-browse started" }).waitFor();
    await dock.getByRole("button", { name: "Close viewer" }).click();
    await pane.locator(".chat-event").filter({ hasText: "Co-browse ended" }).waitFor();

    const reply = pane.getByRole("textbox", { name: "Message" });
    await reply.fill("Your cart is fine now.");
    await reply.press("Enter");
    await widget(visitor).getByText("Your cart is fine now.").waitFor();
    await pane.getByRole("button", { name: "End chat" }).click();

    const db = ws.server.services.storage.db;
    const conversation = await db.selectFrom("chat_conversation").select(["id", "state"]).orderBy("created_at", "desc").executeTakeFirstOrThrow();
    await expect.poll(async () => (await db.selectFrom("chat_conversation").select("state").where("id", "=", conversation.id).executeTakeFirst())?.state).toBe("ended");
    // The link holds ids only.
    const links = await db.selectFrom("chat_cobrowse_session").selectAll().where("conversation_id", "=", conversation.id).execute();
    expect(links).toHaveLength(1);
    expect(Object.keys(links[0] ?? {}).sort()).toEqual(["conversation_id", "linked_at", "session_id", "site_id"]);

    const auditor = await ws.agent("auditor", `/console/transcripts/${conversation.id}`);
    const timeline = auditor.getByRole("list", { name: "Conversation" });
    await timeline.getByText("Co-browse started").waitFor();
    const lines = (await timeline.locator(":scope > li").allTextContents()).map((t) => t.replace(/\s*\d{2}:\d{2}:\d{2}$/, "").trim());
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^Co-browse started/)).toBeGreaterThan(at(/Can you look at my cart\?/));
    expect(at(/Alex Agent watched the visitor's page/)).toBeGreaterThan(at(/^Co-browse started/));
    expect(at(/let the agent control the page/)).toBeGreaterThan(at(/watched the visitor's page/));
    expect(at(/^Co-browse ended: the agent left/)).toBeGreaterThan(at(/let the agent control the page/));
    expect(at(/Your cart is fine now\./)).toBeGreaterThan(at(/^Co-browse ended/));
    expect(at(/^The chat ended/)).toBeGreaterThan(at(/Your cart is fine now\./));
    await ws.shot(auditor, "01-transcript-1280");
    await expectNoAxeViolations(auditor, ["main"]);
    await auditor.setViewportSize({ width: 700, height: 900 });
    await ws.shot(auditor, "02-transcript-700");
  }, 120_000);
});
