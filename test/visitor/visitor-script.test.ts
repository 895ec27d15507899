import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import { VISITOR_CHAT_KINDS } from "../../src/protocol/chat-messages.js";
import { chromiumPath, launchBrowser, screenshotPath, type TestBrowser } from "../helpers/browser.js";
import { buildVisitorBundle, startHostSite, type HostSite } from "./host-site.js";
import { visitHostSite, type Visit } from "./host-visit.js";
import { kindOf } from "../helpers/frame-fields.js";

// The visitor script on its own, in Chromium, on the demo shop's pages served under
// `script-src 'self'; style-src 'self'`, against a scripted protocol peer. Frames are read in
// the visitor's browser (Playwright's view of the page's WebSocket), not at the peer.

const suite = chromiumPath ? describe : describe.skip;

const chatKinds: ReadonlySet<string> = new Set(VISITOR_CHAT_KINDS);
const bar = (page: Page) => page.getByRole("region", { name: "Screen sharing with support" });

suite("visitor script in Chromium", () => {
  let tb: TestBrowser;
  let site: HostSite;

  beforeAll(async () => {
    site = await startHostSite(buildVisitorBundle());
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await site?.close();
  });

  const open = (path: string): Promise<Visit> => visitHostSite(tb.browser, site, path);

  async function share(v: Visit, screenshot?: string): Promise<Record<string, unknown>> {
    v.peer.send({ kind: "consent-request", request: "req-view-1", mode: "view", agent: { displayName: "Alex Agent" } });
    const allow = v.page.getByRole("button", { name: "Share my screen" });
    await allow.waitFor();
    if (screenshot) await v.page.screenshot({ path: screenshotPath(`${screenshot}-consent`) });
    // Keyboard path: once the guard time is over, Enter on the Share button accepts (the prompt
    // itself never moves focus onto its buttons).
    await expect.poll(() => allow.getAttribute("aria-disabled"), { timeout: 15_000 }).toBeNull(); // the guard time, on a busy machine too
    await allow.focus();
    await v.page.keyboard.press("Enter");
    const consent = await v.peer.waitFor((m) => m.kind === "consent");
    expect(consent).toEqual({ kind: "consent", request: "req-view-1", answer: "granted", mode: "view" });
    v.peer.send({ kind: "state", state: "active", mode: "view", agents: 1, watching: true });
    return v.peer.waitFor((m) => m.kind === "snapshot");
  }

  it("sends nothing but hello until the visitor consents and an agent watches, then a snapshot with node ids", async () => {
    const v = await open("/demo");
    await v.page.click("button.add[data-product=mug]");
    // The chat widget's presence line (page and title, for the live visitor list) may go; no page content does.
    expect(v.sent.map(kindOf).filter((k) => !chatKinds.has(k))).toEqual(["hello"]);
    const hello: unknown = JSON.parse(v.sent[0] ?? "{}");
    expect(hello).toMatchObject({ kind: "hello", siteKey: "test-site-key-0001", versions: [1, 2], viewport: { width: 1200, height: 800 } });
    const snap = await share(v, "visitor-shop");
    const html = String(snap.html);
    expect(html).toMatch(/^<html data-airlock-id="1"/);
    expect(html).toContain("Ledger mug");
    expect(html).not.toContain("<script");
    expect(html).not.toContain("data-airlock-ui");
    await expect.poll(() => bar(v.page).innerText()).toContain("Alex Agent is viewing this page");
    await v.page.screenshot({ path: screenshotPath("visitor-shop-sharing") });
    // A cart change arrives as a mutation batch.
    await v.page.click("button.add[data-product=lamp]");
    const batch = await v.peer.waitFor((m) => m.kind === "mutations" && JSON.stringify(m).includes("Aurora desk lamp"));
    expect(batch.seq).toBeGreaterThan(0);
    expect(v.problems).toEqual([]);
    await v.page.context().close();
  });

  it("masks card and typed values and never sends nosync or masked-selector content in any frame", async () => {
    const v = await open("/demo/account");
    const snap = await share(v);
    const html = String(snap.html);
    expect(html).toMatch(/<div data-airlock-id="\d+" data-airlock-masked="" style="display:block;box-sizing:border-box;width:\d+px;height:\d+px;margin:[^"]*"><\/div>/);
    // Script-added content inside the nosync block, and typing into it, must not leave either.
    await v.page.click("#nosync-button");
    await v.page.fill("#iban-note", "secret note");
    await v.page.fill("#password", "hunter2hunter2");
    await v.page.waitForTimeout(300);

    const c = await open("/demo/checkout");
    await share(c);
    await c.page.fill("#card", "4111 1111 1111 1111");
    await c.page.fill("#address", "Hauptstrasse 5");
    const card = await c.peer.waitFor((m) => m.kind === "input" && m.masked === true && String(m.value).length === 19);
    expect(card.value).toBe("*".repeat(19));
    await c.peer.waitFor((m) => m.kind === "input" && String(m.value) === "*".repeat(14));

    const frames = [...v.sent, ...c.sent].join("\n");
    for (const secret of ["IBAN", "12,345.67", "Statement: salary", "secret note", "Hargreaves", "NW-4471", "hunter2", "4111", "Hauptstrasse", "cobrowsing_nosync", "data-private"]) {
      expect(frames).not.toContain(secret);
    }
    expect([...v.problems, ...c.problems]).toEqual([]);
    await v.page.context().close();
    await c.page.context().close();
  });

  it("acts on control events only after control consent, and refuses card and nosync targets", async () => {
    const v = await open("/demo/checkout");
    const snap = await share(v);
    const html = String(snap.html);
    const idOf = (pattern: RegExp) => Number(pattern.exec(html)?.[1]);
    const addressId = idOf(/<input data-airlock-id="(\d+)" id="address"/);
    const cardId = idOf(/<input data-airlock-id="(\d+)" id="card"/);
    expect(addressId).toBeGreaterThan(0);
    // Without control consent the event is ignored.
    v.peer.send({ kind: "control", event: { type: "input", id: addressId, value: "too early" } });
    v.peer.send({ kind: "consent-request", request: "req-control-1", mode: "control", agent: { displayName: "Alex Agent" } });
    await v.page.getByRole("button", { name: "Allow control" }).click();
    await v.peer.waitFor((m) => m.kind === "consent" && m.mode === "control");
    v.peer.send({ kind: "state", state: "active", mode: "control", agents: 1, watching: true });
    await expect.poll(() => bar(v.page).innerText()).toContain("Alex Agent is controlling this page");
    v.peer.send({ kind: "control", event: { type: "input", id: addressId, value: "Hauptstrasse 5" } });
    v.peer.send({ kind: "control", event: { type: "input", id: cardId, value: "4000 0000 0000 0002" } });
    v.peer.send({ kind: "control", event: { type: "input", id: addressId, value: "x".repeat(5000) } });
    await expect.poll(() => v.page.inputValue("#address")).toBe("Hauptstrasse 5");
    expect(await v.page.inputValue("#card")).toBe("");
    // Each refused event is answered with the page's reason, so the agent learns why nothing happened.
    await v.peer.waitFor((m) => m.kind === "control-refused" && m.id === cardId && m.reason === "secret_field");
    await v.peer.waitFor((m) => m.kind === "control-refused" && m.id === addressId && m.reason === "value_too_long");
    expect(v.peer.received.filter((m) => m.kind === "control-refused")).toHaveLength(2);
    await v.page.screenshot({ path: screenshotPath("visitor-checkout-control") });
    // Take back control: later control events are ignored.
    await v.page.getByRole("button", { name: "Take back control" }).click();
    await v.peer.waitFor((m) => m.kind === "revoke");
    v.peer.send({ kind: "control", event: { type: "input", id: addressId, value: "after revoke" } });
    await v.page.waitForTimeout(200);
    expect(await v.page.inputValue("#address")).toBe("Hauptstrasse 5");
    // Stop ends the session: the bar goes, an `end` frame is sent, and capture stops.
    await v.page.getByRole("button", { name: "Stop sharing" }).click();
    await v.peer.waitFor((m) => m.kind === "end");
    const count = v.sent.length;
    await v.page.click("button[type=submit]");
    await v.page.waitForTimeout(300);
    expect(v.sent.length).toBe(count);
    expect(await bar(v.page).count()).toBe(0);
    expect(v.problems).toEqual([]);
    await v.page.context().close();
  });
});
