import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { signInEnrolled } from "../auth/helpers/login.js";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { replaceOnce, shipped } from "../policy/policy-dir.js";
import { openAgent, type WsClient } from "../relay/ws-client.js";
import { buildVisitorBundle } from "../visitor/host-site.js";
import { startDemoAirlock, type DemoAirlock } from "./demo-airlock.js";

// The relay's side of "a masked value never travels back as data", through the real server into
// the visitor script in Chromium: an agent speaking the protocol over a real socket (so it can
// send what the console never would) is refused `masked_value` for a typed value carrying the
// mask placeholder, and under policy `maskedFields.agentEdit: never` for any typed value into a
// masked field. The refusal names the node, and the visitor's page keeps its value.

const suite = chromiumPath ? describe : describe.skip;
const BULLET = "\u2022";

/** A visitor on the checkout shares with a protocol-speaking agent over a real socket, who gets control. */
async function rawControlSession(tb: TestBrowser, demo: DemoAirlock): Promise<{ page: Page; agent: WsClient; nameId: number }> {
  const context = await tb.browser.newContext({ viewport: { width: 1100, height: 760 } });
  const page = await context.newPage();
  const sent: string[] = [];
  page.on("websocket", (ws) => ws.on("framesent", (f) => sent.push(String(f.payload))));
  await page.goto(`${demo.origin}/demo/checkout`);
  await expect.poll(() => sent.length).toBeGreaterThan(0);
  const { agent: http } = await signInEnrolled(demo.server, "agent");
  const agent = await openAgent(demo.server, http);
  const { sessions } = (await http.json(`${demo.server.url}/api/v1/cobrowse/sessions`, "GET")).body as { sessions: { room: string }[] };
  agent.send({ kind: "join", versions: [1], room: sessions.at(-1)?.room ?? "", mode: "view" });
  await agent.next("welcome");
  await page.getByRole("button", { name: "Share my screen" }).click();
  const snapshot = await agent.next("snapshot");
  agent.send({ kind: "request-control" });
  await page.getByRole("button", { name: "Allow control" }).click();
  await agent.next("state", (f) => f.mode === "control");
  const tag = /<input[^>]*\bid="name"[^>]*>/.exec(String(snapshot.html))?.[0] ?? "";
  const nameId = Number(/data-airlock-id="(\d+)"/.exec(tag)?.[1]);
  expect(nameId).toBeGreaterThan(0);
  return { page, agent, nameId };
}

function relaySuite(name: string, policy: "replace" | "never", body: (ctx: () => { tb: TestBrowser; demo: DemoAirlock }) => void): void {
  suite(name, () => {
    let demo: DemoAirlock;
    let tb: TestBrowser;
    beforeAll(async () => {
      buildVisitorBundle();
      // `replace` is the shipped rule; `never` is set in an override folder.
      const never = () => ({ "cobrowse.yaml": replaceOnce(shipped("cobrowse.yaml"), "maskedFields: { agentEdit: replace,", "maskedFields: { agentEdit: never,") });
      demo = await startDemoAirlock(policy === "never" ? { policies: never } : {});
      tb = await launchBrowser();
    });
    afterAll(async () => {
      await tb?.close();
      await demo?.stop();
    });
    body(() => ({ tb, demo }));
  });
}

relaySuite("masked values and control, at the relay (policy: replace)", "replace", (ctx) => {
  it("refuses at the relay a typed value that carries the mask placeholder; the page keeps its value", async () => {
    const { page, agent, nameId } = await rawControlSession(ctx().tb, ctx().demo);
    await page.locator("#name").pressSequentially("Dana Demo");
    await agent.next("input", (f) => f.id === nameId && f.value === BULLET.repeat(9));
    agent.send({ kind: "control", event: { type: "input", id: nameId, value: `${BULLET.repeat(9)}!` } });
    expect(await agent.next("error")).toMatchObject({ code: "masked_value", ref: "control", node: nameId });
    // A fresh whole value is fine.
    agent.send({ kind: "control", event: { type: "input", id: nameId, value: "Jane Doe" } });
    await expect.poll(() => page.inputValue("#name")).toBe("Jane Doe");
    agent.send({ kind: "control", event: { type: "input", id: nameId, value: `Jane${BULLET}Doe` } });
    expect(await agent.next("error")).toMatchObject({ code: "masked_value", node: nameId });
    expect(await page.inputValue("#name")).toBe("Jane Doe");
    await page.context().close();
    agent.close();
  });
});

relaySuite("masked values and control, at the relay (policy: never)", "never", (ctx) => {
  it("refuses at the relay any typed value into a masked field", async () => {
    const { page, agent, nameId } = await rawControlSession(ctx().tb, ctx().demo);
    await page.locator("#name").pressSequentially("Dana Demo");
    await agent.next("input", (f) => f.id === nameId);
    agent.send({ kind: "control", event: { type: "input", id: nameId, value: "Jane Doe" } });
    expect(await agent.next("error")).toMatchObject({ code: "masked_value", node: nameId });
    // Clicking the field is still allowed.
    agent.send({ kind: "control", event: { type: "click", id: nameId } });
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe("name");
    expect(await page.inputValue("#name")).toBe("Dana Demo");
    await page.context().close();
    agent.close();
  });
});
