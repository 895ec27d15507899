import path from "node:path";
import fc from "fast-check";
import { Parser } from "htmlparser2";
import { describe, expect, it } from "vitest";
import { NODE_ID_ATTRIBUTE, parseNodeId } from "../../protocol/node-id.js";
import type { VisitorMessage } from "../../protocol/visitor-messages.js";
import type { Clock } from "../clock.js";
import type { Peer } from "../peer.js";
import { CobrowseSession } from "../cobrowse-session.js";
import { AssetUrlSigner } from "./asset-url.js";
import { readAllowlist } from "./policy-allowlist.js";
import { Sanitizer } from "./sanitizer.js";
import { isSecretField, MASKED_PLACEHOLDER_ATTRIBUTE } from "./untargetable-marks.js";
import { allPayloads } from "../../../test/relay/helpers/corpora.js";

// The sanitizer reports, as it emits them, which elements agents receive (the shadow index's
// unmasked nodes) and which of them are placeholders or secret fields. Each must be exactly what
// a parse of the sanitized output finds (the way the relay used to find placeholders and secret
// fields): checked for every corpus payload, with markers added, and for generated fragments.
// Then the room: nothing may act on them, in snapshots, added subtrees and attribute changes.

const ORIGIN = "https://bank.example";
const site = { id: "bank", origins: [ORIGIN] };
const sanitizer = new Sanitizer({ allowlist: readAllowlist(path.resolve("policies")), signer: new AssetUrlSigner("https://airlock.test"), site, maskSelectors: [".secret"] });

interface Reported {
  readonly emitted: number[];
  readonly placeholders: number[];
  readonly secretFields: number[];
}

/** The reference: elements, placeholders and secret fields found by parsing the sanitized output. */
function foundInOutput(html: string): Reported {
  const emitted: number[] = [];
  const placeholders: number[] = [];
  const secretFields: number[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const id = parseNodeId(attribs[NODE_ID_ATTRIBUTE]);
        if (id === undefined) return;
        emitted.push(id);
        if (Object.hasOwn(attribs, MASKED_PLACEHOLDER_ATTRIBUTE)) placeholders.push(id);
        else if (isSecretField(name, attribs)) secretFields.push(id);
      },
    },
    { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.end(html);
  return { emitted, placeholders, secretFields };
}

const sorted = (a: readonly number[]) => [...a].sort((x, y) => x - y);

/** What the sanitizer reports (unmasked nodes, placeholders, secret fields) is exactly what its output holds. */
function expectReportedAsEmitted(html: string, label: string, svg = false): void {
  const frag = sanitizer.html(html, `${ORIGIN}/`, { parent: 0, svg });
  const reference = foundInOutput(frag.html);
  const reported: Reported = {
    emitted: frag.nodes.filter((n) => !n.masked).map((n) => n.id),
    placeholders: [...frag.placeholders],
    secretFields: [...frag.secretFields],
  };
  expect(reference.emitted.length, `${label}: an id twice in the output`).toBe(new Set(reference.emitted).size);
  const normalise = (r: Reported) => ({ emitted: sorted(r.emitted), placeholders: sorted(r.placeholders), secretFields: sorted(r.secretFields) });
  expect(normalise(reported), label).toEqual(normalise(reference));
}

/** Gives every start tag a node id (and optionally more attributes), as the visitor script would. */
function withIds(payload: string, extra = ""): string {
  let id = 0;
  return payload.replace(/<([a-zA-Z][^\s/>]*)/g, (_, tag: string) => `<${tag} ${NODE_ID_ATTRIBUTE}="${++id}"${extra}`);
}

const markers = [
  ` ${MASKED_PLACEHOLDER_ATTRIBUTE}=""`,
  ' type="password"',
  ' TYPE=" PassWord "',
  ' type="pass&#119;ord"',
  ' autocomplete="cc-number"',
  ' autocomplete="shipping CC-exp"',
  ' autocomplete="xcc-number"',
  ` ${MASKED_PLACEHOLDER_ATTRIBUTE} type="password"`,
];

describe("elements, placeholders and secret fields reported while sanitizing", () => {
  it("are exactly those a parse of the sanitized output finds, for every corpus payload with and without markers", () => {
    const payloads = allPayloads();
    expect(payloads.length).toBeGreaterThan(450);
    for (const p of payloads) {
      expectReportedAsEmitted(withIds(p.payload), p.name);
      for (const m of markers) expectReportedAsEmitted(withIds(p.payload, m), `${p.name} ${m}`);
    }
  });

  it("leave out elements the sanitizer's parser sees inside a text-only element (a <textarea> left open inside <svg>)", () => {
    // Found by the generated-fragment property: the agent's browser reads the inner <div> as the textarea's text.
    const found = "<div><div><div><noscript></div><svg><div><noscript></noscript><div><textarea><div>";
    for (const svg of [false, true]) expectReportedAsEmitted(withIds(found), found, svg);
    for (const parent of ["textarea", "title"]) expectReportedAsEmitted(withIds(`<svg><${parent}><div><b>x</b></div>`), parent);
  });

  it("are exactly those a parse of the sanitized output finds, for generated fragments", () => {
    const tag = fc.constantFrom("div", "span", "input", "textarea", "select", "option", "form", "p", "svg", "a", "style", "template", "script", "table", "td", "noscript", "title", "link");
    const attribute = fc.constantFrom(
      ...markers,
      ' type="text"',
      ' class="cobrowsing_nosync"',
      ' class="secret"',
      ` ${NODE_ID_ATTRIBUTE}="7"`,
      ' rel="stylesheet" href="/a.css"',
      "",
    );
    const element: fc.Memo<string> = fc.memo((depth) =>
      fc
        .tuple(tag, fc.array(attribute, { maxLength: 3 }), fc.array(depth > 1 ? element(depth - 1) : fc.constantFrom("text", "<", "&amp;"), { maxLength: 3 }), fc.boolean())
        .map(([t, attrs, children, closed]) => `<${t}${attrs.join("")}>${children.join("")}${closed ? `</${t}>` : ""}`),
    );
    fc.assert(
      fc.property(fc.array(element(4), { minLength: 1, maxLength: 4 }), fc.boolean(), (parts, svg) => {
        expectReportedAsEmitted(withIds(parts.join("")), parts.join(""), svg);
      }),
      { numRuns: 400 },
    );
  });
});

describe("the room never lets anything act on them", () => {
  const clock: Clock = { now: () => 0, setTimeout: () => ({}), clearTimeout: () => undefined };
  const quiet: Peer = { send: () => undefined, bufferedAmount: () => 0, close: () => undefined };

  function controlledSession() {
    const session = new CobrowseSession({ site, sanitizer, decide: () => ({ allow: true, reason: "test" }), clock, inactivityMs: 120_000, maskInputValues: true, audit: () => undefined, onEnded: () => undefined });
    const asks: { request: string }[] = [];
    session.attachVisitor({ ...quiet, send: (f) => void asks.push(JSON.parse(f) as { request: string }) });
    const seat = session.seatFor(quiet, { subject: "a1", displayName: "Ann", roles: ["agent"], mfa: true });
    const send = (m: VisitorMessage) => session.fromVisitor(m, ORIGIN);
    const grant = (mode: "view" | "control") => send({ kind: "consent", request: asks.filter((a) => a.request).at(-1)?.request ?? "", answer: "granted", mode });
    session.fromAgent(seat, { kind: "join", versions: [1], room: session.id, mode: "view" });
    grant("view");
    const html =
      `<body ${NODE_ID_ATTRIBUTE}="1"><div ${NODE_ID_ATTRIBUTE}="2" ${MASKED_PLACEHOLDER_ATTRIBUTE}=""><span ${NODE_ID_ATTRIBUTE}="3"></span></div>` +
      `<input ${NODE_ID_ATTRIBUTE}="4" type="password"><textarea ${NODE_ID_ATTRIBUTE}="5"></textarea><input ${NODE_ID_ATTRIBUTE}="6"></body>`;
    expect(send({ kind: "snapshot", seq: 1, url: `${ORIGIN}/`, html, viewport: { width: 800, height: 600 } })).toBeUndefined();
    session.fromAgent(seat, { kind: "request-control" });
    grant("control");
    const click = (id: number) => session.fromAgent(seat, { kind: "control", event: { type: "click", id } })?.code;
    return { send, click };
  }

  it("in a snapshot: a placeholder and everything below it, password fields", () => {
    const r = controlledSession();
    expect([2, 3, 4].map(r.click)).toEqual(["node_masked", "node_masked", "node_masked"]);
    expect(r.click(6)).toBeUndefined();
  });

  it("in added subtrees and after attribute changes", () => {
    const r = controlledSession();
    const add = `<div ${NODE_ID_ATTRIBUTE}="10" ${MASKED_PLACEHOLDER_ATTRIBUTE}=""><p ${NODE_ID_ATTRIBUTE}="11"></p></div><select ${NODE_ID_ATTRIBUTE}="12" autocomplete="cc-exp-month"></select><input ${NODE_ID_ATTRIBUTE}="13">`;
    expect(r.send({ kind: "mutations", seq: 2, ops: [{ op: "add", parent: 1, before: null, html: add }] })).toBeUndefined();
    expect([10, 11, 12].map(r.click)).toEqual(["node_masked", "node_masked", "node_masked"]);
    expect(r.click(13)).toBeUndefined();
    expect(r.send({ kind: "mutations", seq: 3, ops: [{ op: "attr", id: 13, name: "type", value: "password" }, { op: "attr", id: 6, name: MASKED_PLACEHOLDER_ATTRIBUTE, value: "" }] })).toBeUndefined();
    expect([13, 6].map(r.click)).toEqual(["node_masked", "node_masked"]);
  });
});
