import path from "node:path";
import { describe, expect, it } from "vitest";
import type { VisitorMessage } from "../../src/protocol/visitor-messages.js";
import type { Clock } from "../../src/relay/clock.js";
import { Room } from "../../src/relay/room.js";
import { AssetUrlSigner } from "../../src/relay/sanitizer/asset-url.js";
import { readAllowlist } from "../../src/relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../../src/relay/sanitizer/sanitizer.js";
import { RecordingPeer } from "../helpers/recording-peer.js";

// Masking re-checked when attributes change: a class, id or attribute that the nosync class or a
// site masking selector looks at can make an element, or elements below it, masked after the
// snapshot. Agents are told to remove them and nothing may target them afterwards.

const ORIGIN = "https://bank.example";


const clock: Clock = { now: () => 0, setTimeout: () => ({}), clearTimeout: () => undefined };

function watchedRoom(maskSelectors: readonly string[]) {
  const site = { id: "bank", origins: [ORIGIN] };
  const room = new Room({
    site,
    sanitizer: new Sanitizer({ allowlist: readAllowlist(path.resolve("policies")), signer: new AssetUrlSigner("https://airlock.test"), site, maskSelectors }),
    decide: () => ({ allow: true, reason: "test" }),
    clock,
    inactivityMs: 120_000,
    maskInputValues: true,
    audit: () => undefined,
    onEnded: () => undefined,
  });
  const visitor = new RecordingPeer();
  const agent = new RecordingPeer();
  room.attachVisitor(visitor);
  const seat = room.seatFor(agent, { subject: "a1", displayName: "Ann", roles: ["agent"], mfa: true });
  room.fromAgent(seat, { kind: "join", versions: [1], room: room.id, mode: "view" });
  const ask = visitor.last("consent-request") as { request: string };
  const send = (m: VisitorMessage) => room.fromVisitor(m, ORIGIN);
  send({ kind: "consent", request: ask.request, answer: "granted", mode: "view" });
  const html =
    '<body data-airlock-id="1"><div id="box" data-airlock-id="2"><p data-airlock-id="3">Balance</p><input data-airlock-id="4"></div>' +
    '<section data-airlock-id="5"><div data-airlock-id="6"><input data-airlock-id="7"></div></section></body>';
  expect(send({ kind: "snapshot", seq: 1, url: `${ORIGIN}/`, html, viewport: { width: 800, height: 600 } })).toBeUndefined();
  let seq = 1;
  const ops = (...o: Extract<VisitorMessage, { kind: "mutations" }>["ops"]) => {
    const failure = send({ kind: "mutations", seq: ++seq, ops: o });
    return { failure, sent: (agent.last("mutations") as { seq: number; ops: unknown[] } | undefined)?.seq === seq ? (agent.last("mutations") as { ops: unknown[] }).ops : [] };
  };
  return { room, agent, send, ops };
}

describe("masking re-checked on attribute mutations", () => {
  it("an element that gains the nosync class is removed for agents and can no longer be targeted", () => {
    const r = watchedRoom([]);
    const { sent } = r.ops({ op: "attr", id: 2, name: "class", value: "card cobrowsing_nosync" });
    expect(sent).toEqual([{ op: "remove", id: 2 }]);
    expect(r.send({ kind: "input", id: 4, value: "x", masked: true })?.code).toBe("node_masked");
    expect(r.ops({ op: "attr", id: 3, name: "title", value: "x" }).failure?.code).toBe("node_masked");
  });

  it("an element that starts matching a site selector (class, id or attribute) is removed", () => {
    const byClass = watchedRoom([".account-number"]);
    expect(byClass.ops({ op: "attr", id: 3, name: "class", value: "account-number" }).sent).toEqual([{ op: "remove", id: 3 }]);
    const byAttr = watchedRoom(["[data-private]"]);
    expect(byAttr.ops({ op: "attr", id: 3, name: "data-private", value: "" }).sent).toEqual([{ op: "remove", id: 3 }]);
    const byId = watchedRoom(["#iban"]);
    expect(byId.ops({ op: "attr", id: 2, name: "id", value: "iban" }).sent).toEqual([{ op: "remove", id: 2 }]);
  });

  it("a change on an ancestor masks the descendants a combinator selector now matches", () => {
    const r = watchedRoom([".vault input", "section.locked > div"]);
    expect(r.ops({ op: "attr", id: 2, name: "class", value: "vault" }).sent).toEqual([{ op: "remove", id: 4 }, { op: "attr", id: 2, name: "class", value: "vault" }]);
    expect(r.send({ kind: "input", id: 4, value: "x", masked: true })?.code).toBe("node_masked");
    expect(r.ops({ op: "attr", id: 5, name: "class", value: "locked" }).sent).toEqual([{ op: "remove", id: 6 }, { op: "attr", id: 5, name: "class", value: "locked" }]);
    expect(r.send({ kind: "input", id: 7, value: "x", masked: true })?.code).toBe("node_masked");
  });

  it("added subtrees are matched with their ancestors in the page", () => {
    const r = watchedRoom([".vault input"]);
    r.ops({ op: "attr", id: 5, name: "class", value: "vault" });
    const { sent } = r.ops({ op: "add", parent: 6, before: null, html: '<input data-airlock-id="20" value="secret-value"><b data-airlock-id="21">ok</b>' });
    expect(JSON.stringify(sent)).not.toContain("secret-value");
    expect(JSON.stringify(sent)).toContain("ok");
    expect(r.send({ kind: "input", id: 20, value: "x", masked: true })?.code).toBe("node_masked");
  });

  it("attribute changes that mask nothing pass as before, and masking survives removing the class again", () => {
    const r = watchedRoom([".vault input"]);
    expect(r.ops({ op: "attr", id: 3, name: "title", value: "hello" }).sent).toEqual([{ op: "attr", id: 3, name: "title", value: "hello" }]);
    expect(r.ops({ op: "attr", id: 2, name: "class", value: "plain" }).sent).toEqual([{ op: "attr", id: 2, name: "class", value: "plain" }]);
    r.ops({ op: "attr", id: 2, name: "class", value: "vault" });
    r.ops({ op: "attr", id: 2, name: "class", value: null });
    expect(r.send({ kind: "input", id: 4, value: "x", masked: true })?.code).toBe("node_masked");
  });
});
