import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPath, launchBrowser, type TestBrowser } from "../helpers/browser.js";
import { buildVisitorBundle, startHostSite, type HostSite } from "./host-site.js";
import { visitHostSite, type Visit } from "./host-visit.js";

// The visitor script's own check, behind the relay's: a control value that carries the mask
// placeholder (the relay's "•", or the script's own masked form of the field's value) is refused
// `masked_value` and the field keeps its value; under `maskedFieldEdit: never` (from the relay's
// welcome) no typed value reaches a masked field. The relay here is a scripted peer, so it can
// send what Airlock's relay would already refuse. A <select> choice travels unmasked.

const suite = chromiumPath ? describe : describe.skip;
const BULLET = "\u2022";

async function controlled(site: HostSite, tb: TestBrowser): Promise<{ v: Visit; nameId: number; countryId: number }> {
  const v = await visitHostSite(tb.browser, site, "/demo/checkout");
  v.peer.send({ kind: "consent-request", request: "req-view-1", mode: "view", agent: { displayName: "Alex Agent" } });
  await v.page.getByRole("button", { name: "Share my screen" }).click();
  v.peer.send({ kind: "state", state: "active", mode: "view", agents: 1, watching: true });
  const html = String((await v.peer.waitFor((m) => m.kind === "snapshot")).html);
  v.peer.send({ kind: "consent-request", request: "req-control-1", mode: "control", agent: { displayName: "Alex Agent" } });
  await v.page.getByRole("button", { name: "Allow control" }).click();
  await v.peer.waitFor((m) => m.kind === "consent" && m.mode === "control");
  v.peer.send({ kind: "state", state: "active", mode: "control", agents: 1, watching: true });
  const nameId = Number(/<input data-airlock-id="(\d+)" id="name"/.exec(html)?.[1]);
  const countryId = Number(/<select data-airlock-id="(\d+)" id="country"/.exec(html)?.[1]);
  expect(nameId).toBeGreaterThan(0);
  return { v, nameId, countryId };
}

const refusals = (v: Visit, id: number) => v.peer.received.filter((m) => m.kind === "control-refused" && m.id === id);

suite("the visitor script refuses masked values sent back as data", () => {
  let tb: TestBrowser;
  let replace: HostSite;
  let never: HostSite;

  beforeAll(async () => {
    const bundle = buildVisitorBundle();
    replace = await startHostSite(bundle, { maskingSelectors: [], maskInputValues: true, maskedFieldEdit: "replace" });
    never = await startHostSite(bundle, { maskingSelectors: [], maskInputValues: true, maskedFieldEdit: "never" });
    tb = await launchBrowser();
  });
  afterAll(async () => {
    await tb?.close();
    await replace?.close();
    await never?.close();
  });

  it("refuses a value with the placeholder or the field's own masked form, accepts a whole new value", async () => {
    const { v, nameId, countryId } = await controlled(replace, tb);
    await v.page.locator("#name").fill("Dana Demo");
    const send = (value: string) => v.peer.send({ kind: "control", event: { type: "input", id: nameId, value } });
    send(`${BULLET.repeat(9)}!`);
    await expect.poll(() => refusals(v, nameId).length).toBe(1);
    send(`${"*".repeat(9)}!`);
    await expect.poll(() => refusals(v, nameId).length).toBe(2);
    expect(refusals(v, nameId).map((m) => m.reason)).toEqual(["masked_value", "masked_value"]);
    expect(refusals(v, nameId)[0]).toMatchObject({ type: "input" });
    expect(await v.page.inputValue("#name")).toBe("Dana Demo");
    send("Jane Doe");
    await expect.poll(() => v.page.inputValue("#name")).toBe("Jane Doe");
    // The choice of a <select> is one of the page's own options: it travels as chosen.
    await v.page.locator("#country").selectOption("fr");
    await v.peer.waitFor((m) => m.kind === "input" && m.id === countryId && m.value === "fr" && m.masked === false);
    await v.page.context().close();
  });

  it("under policy `never` refuses every typed value into a masked field", async () => {
    const { v, nameId } = await controlled(never, tb);
    await v.page.locator("#name").fill("Dana Demo");
    v.peer.send({ kind: "control", event: { type: "input", id: nameId, value: "Jane Doe" } });
    await expect.poll(() => refusals(v, nameId).map((m) => m.reason)).toEqual(["masked_value"]);
    expect(await v.page.inputValue("#name")).toBe("Dana Demo");
    await v.page.context().close();
  });
});
