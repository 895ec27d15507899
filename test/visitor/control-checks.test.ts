import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { signInEnrolled } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { openAgent, type Frame, type WsClient } from "../relay/ws-client.js";
import { startDemoAirlock, type DemoAirlock } from "../e2e/demo-airlock.js";
import { buildVisitorBundle } from "./host-site.js";

// Control events through the real relay into the visitor script in Chromium, checked on both
// sides: the relay refuses events into the script's masked placeholders (nosync and masking
// selectors) and into password and card fields; events the relay lets through but the page
// cannot honour come back to the agent as `control-refused` with the page's reason; a view-only
// agent never gets control. The agent speaks the protocol over a real socket after signing in.

const suite = chromiumPath ? describe : describe.skip;

interface Session {
  page: Page;
  agent: WsClient;
  sent: string[];
}

/** The node id the visitor script gave the element the pattern's group 1 captures. */
function idIn(snapshotFrames: string[], pattern: RegExp): number {
  for (const f of snapshotFrames) {
    const m = pattern.exec(f);
    if (m?.[1]) return Number(m[1]);
  }
  throw new Error(`no element matching ${pattern} in the visitor's snapshots`);
}

suite("control checks on both sides, through the real relay", () => {
  let demo: DemoAirlock;
  let tb: TestBrowser;

  beforeAll(async () => {
    buildVisitorBundle();
    demo = await startDemoAirlock();
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await demo?.stop();
  });

  /** A visitor on `path` shares with an agent signed in as `login`; control is requested and granted when the role allows. */
  async function session(path: string, login: string): Promise<Session> {
    const context = await tb.browser.newContext({ viewport: { width: 1100, height: 760 } });
    const page = await context.newPage();
    const sent: string[] = [];
    page.on("websocket", (ws) => ws.on("framesent", (f) => sent.push(String(f.payload))));
    await page.goto(`${demo.origin}${path}`);
    await expect.poll(() => sent.length).toBeGreaterThan(0);
    const { agent: http } = await signInEnrolled(demo.server, login);
    const agent = await openAgent(demo.server, http);
    const { sessions } = (await http.json(`${demo.server.url}/api/v1/cobrowse/sessions`, "GET")).body as { sessions: { room: string }[] };
    const cobrowseSession = sessions.at(-1)?.room ?? "";
    agent.send({ kind: "join", versions: [1], room: cobrowseSession, mode: "view" });
    await agent.next("welcome");
    await page.getByRole("button", { name: "Share my screen" }).click();
    await agent.next("snapshot");
    await expect.poll(() => sent.some((f) => f.startsWith('{"kind":"snapshot"'))).toBe(true);
    return { page, agent, sent };
  }

  async function grantControl(s: Session): Promise<void> {
    s.agent.send({ kind: "request-control" });
    await s.page.getByRole("button", { name: "Allow control" }).click();
    await s.agent.next("state", (f) => f.mode === "control");
  }

  const refusal = (agent: WsClient): Promise<Frame> =>
    Promise.race([agent.next("error"), agent.next("control-refused")]);

  it("refuses control into card and password fields and masked placeholders at the relay; the page never changes", async () => {
    const checkout = await session("/demo/checkout", "agent");
    await grantControl(checkout);
    const card = idIn(checkout.sent, /<input data-airlock-id=\\"(\d+)\\" id=\\"card\\"/);
    checkout.agent.send({ kind: "control", event: { type: "input", id: card, value: "4000 0000 0000 0002" } });
    expect(await checkout.agent.next("error")).toMatchObject({ code: "node_masked" });
    checkout.agent.send({ kind: "control", event: { type: "click", id: card } });
    expect(await checkout.agent.next("error")).toMatchObject({ code: "node_masked" });
    // A field the relay lets through works.
    const address = idIn(checkout.sent, /<input data-airlock-id=\\"(\d+)\\" id=\\"address\\"/);
    checkout.agent.send({ kind: "control", event: { type: "input", id: address, value: "Marktplatz 1" } });
    await expect.poll(() => checkout.page.inputValue("#address")).toBe("Marktplatz 1");
    expect(await checkout.page.inputValue("#card")).toBe("");

    await checkout.page.getByRole("link", { name: "My account" }).click();
    await checkout.agent.next("snapshot", (f) => String(f.url).endsWith("/demo/account"));
    // Playwright reports the page's frames asynchronously: wait until the snapshot is among them.
    const onAccount = (f: string) => f.startsWith('{"kind":"snapshot"') && f.includes(`"url":"${demo.origin}/demo/account"`);
    await expect.poll(() => checkout.sent.some(onAccount)).toBe(true);
    const accountFrames = checkout.sent.filter(onAccount);
    const nosync = idIn(accountFrames, /<div data-airlock-id=\\"(\d+)\\" data-airlock-masked=\\"\\"/);
    const password = idIn(accountFrames, /<input data-airlock-id=\\"(\d+)\\" id=\\"password\\"/);
    for (const event of [{ type: "click", id: nosync }, { type: "scroll", id: nosync, x: 0, y: 10 }, { type: "input", id: password, value: "hunter2" }]) {
      checkout.agent.send({ kind: "control", event });
      expect(await checkout.agent.next("error")).toMatchObject({ code: "node_masked" });
    }
    expect(await checkout.page.inputValue("#password")).toBe("");
    expect(await checkout.page.locator("#bank-details").innerText()).not.toContain("Statement:");
    await checkout.page.context().close();
    checkout.agent.close();
  });

  it("tells the agent why the page did not act on an event the relay let through", async () => {
    const s = await session("/demo/checkout", "agent");
    await grantControl(s);
    const newsletter = idIn(s.sent, /<input data-airlock-id=\\"(\d+)\\" type=\\"checkbox\\" id=\\"newsletter\\"/);
    s.agent.send({ kind: "control", event: { type: "input", id: newsletter, value: "typed into a checkbox" } });
    expect(await refusal(s.agent)).toEqual({ kind: "control-refused", id: newsletter, reason: "not_editable", type: "input" });
    await s.page.context().close();
    s.agent.close();
  });

  it("never gives a view-only agent control", async () => {
    const s = await session("/demo/checkout", "viewer");
    s.agent.send({ kind: "request-control" });
    expect(await s.agent.next("error")).toMatchObject({ code: "not_allowed" });
    const address = idIn(s.sent, /<input data-airlock-id=\\"(\d+)\\" id=\\"address\\"/);
    s.agent.send({ kind: "control", event: { type: "input", id: address, value: "Marktplatz 1" } });
    expect(await s.agent.next("error")).toMatchObject({ code: "not_allowed" });
    expect(await s.page.getByRole("button", { name: "Allow control" }).count()).toBe(0);
    expect(await s.page.inputValue("#address")).toBe("");
    await s.page.context().close();
    s.agent.close();
  });
});
