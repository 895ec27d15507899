import path from "node:path";
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { parseFrame } from "../protocol/frame.js";
import { visitorMessage, type VisitorMessage } from "../protocol/visitor-messages.js";
import { agentMessage, type AgentMessage } from "../protocol/agent-messages.js";
import { CobrowseSession } from "./cobrowse-session.js";
import { AssetUrlSigner } from "./sanitizer/asset-url.js";
import { readAllowlist } from "./sanitizer/policy-allowlist.js";
import { Sanitizer } from "./sanitizer/sanitizer.js";
import { RecordingPeer } from "../../test/helpers/recording-peer.js";
import { ManualClock } from "../../test/relay/ws-client.js";

// A session driven directly through its message API with recording peers and a manual clock:
// consent flow, hostile frames answered with specific codes, inactivity, memory release.



const ORIGIN = "https://bank.example";
const allowAll = () => ({ allow: true, reason: "test" });

function setup(inactivityMs = 120_000) {
  const clock = new ManualClock();
  const audit: string[] = [];
  let ended = false;
  const session = new CobrowseSession({
    site: { id: "bank", origins: [ORIGIN] },
    sanitizer: new Sanitizer({
      allowlist: readAllowlist(path.resolve("policies")),
      signer: new AssetUrlSigner("http://127.0.0.1:8080"),
      site: { id: "bank", origins: [ORIGIN] },
      maskSelectors: [".secret"],
    }),
    decide: allowAll,
    clock,
    inactivityMs,
    maskInputValues: true,
    audit: (event) => audit.push(event),
    onEnded: () => {
      ended = true;
    },
  });
  const visitor = new RecordingPeer();
  session.attachVisitor(visitor);
  const agentPeer = new RecordingPeer();
  const seat = session.seatFor(agentPeer, { subject: "a1", displayName: "Ann", roles: ["agent"], mfa: true });
  const fromVisitor = (m: VisitorMessage) => session.fromVisitor(m, ORIGIN);
  const fromAgent = (m: AgentMessage) => session.fromAgent(seat, m);
  return { room: session, clock, audit, visitor, agentPeer, seat, fromVisitor, fromAgent, isEnded: () => ended };
}

function activeSession(inactivityMs?: number) {
  const s = setup(inactivityMs);
  expect(s.fromAgent({ kind: "join", versions: [1], room: s.room.id, mode: "view" })).toBeUndefined();
  const ask = s.visitor.last("consent-request") as { request: string };
  expect(s.fromVisitor({ kind: "consent", request: ask.request, answer: "granted", mode: "view" })).toBeUndefined();
  const html = `<body data-airlock-id="1"><div data-airlock-id="2">hi</div><div class="secret" data-airlock-id="3"><input data-airlock-id="4"></div><input data-airlock-id="5"></body>`;
  expect(s.fromVisitor({ kind: "snapshot", seq: 1, url: `${ORIGIN}/p`, html, viewport: { width: 800, height: 600 } })).toBeUndefined();
  return s;
}

describe("relay room", () => {
  it("asks the visitor for view consent before any page content flows", () => {
    const s = setup();
    s.fromAgent({ kind: "join", versions: [1], room: s.room.id, mode: "view" });
    expect(s.fromVisitor({ kind: "snapshot", seq: 1, url: `${ORIGIN}/`, html: "<p>x</p>", viewport: { width: 1, height: 1 } })?.code).toBe("no_consent");
    expect(s.agentPeer.last("snapshot")).toBeUndefined();
  });

  it("fans out the sanitized snapshot and refuses bad frames with specific codes", () => {
    const s = activeSession();
    const snap = s.agentPeer.last("snapshot") as { html: string };
    expect(snap.html).not.toContain("secret");
    const cases: [VisitorMessage, string][] = [
      [{ kind: "mutations", seq: 2, ops: [{ op: "attr", id: 999, name: "title", value: "x" }] }, "unknown_node"],
      [{ kind: "mutations", seq: 3, ops: [{ op: "attr", id: 3, name: "title", value: "x" }] }, "node_masked"],
      [{ kind: "input", id: 4, value: "x", masked: true }, "node_masked"],
      [{ kind: "snapshot", seq: 4, url: "https://bank.example.evil.test/", html: "", viewport: { width: 1, height: 1 } }, "origin_not_allowed"],
      [{ kind: "mutations", seq: 5, ops: [{ op: "add", parent: 2, before: null, html: "<div>".repeat(300) }] }, "too_deep"],
    ];
    for (const [m, code] of cases) expect(s.fromVisitor(m)?.code, JSON.stringify(m).slice(0, 60)).toBe(code);
    expect(s.room.state).toBe("active");
  });

  it("never forwards executable attribute mutations", () => {
    const s = activeSession();
    s.fromVisitor({
      kind: "mutations",
      seq: 2,
      ops: [
        { op: "attr", id: 2, name: "onclick", value: "alert(1)" },
        { op: "attr", id: 2, name: "style", value: "background:url(https://evil.test/x.png)" },
        { op: "attr", id: 2, name: "srcdoc", value: "<script>alert(1)</script>" },
        { op: "add", parent: 2, before: null, html: `<a data-airlock-id="9" href="javascript:alert(1)">x</a><meta http-equiv="refresh" content="0;url=https://evil.test"><base href="https://evil.test/">` },
        { op: "attr", id: 9, name: "href", value: "data:text/html,<script>alert(1)</script>" },
      ],
    });
    const text = JSON.stringify(s.agentPeer.last("mutations"));
    for (const bad of ["alert", "evil.test", "<meta", "<base", "data:text"]) expect(text).not.toContain(bad);
  });

  it("masks input values unless policy unmasks them", () => {
    const s = activeSession();
    s.fromVisitor({ kind: "input", id: 5, value: "4111 1111", masked: false });
    expect(s.agentPeer.last("input")).toMatchObject({ masked: true, value: "•••••••••" });
  });

  it("refuses control before the visitor grants it, then forwards it", () => {
    const s = activeSession();
    expect(s.fromAgent({ kind: "control", event: { type: "click", id: 2 } })?.code).toBe("no_consent");
    s.fromAgent({ kind: "request-control" });
    const ask = s.visitor.last("consent-request") as { request: string };
    s.fromVisitor({ kind: "consent", request: ask.request, answer: "granted", mode: "control" });
    expect(s.fromAgent({ kind: "control", event: { type: "click", id: 3 } })?.code).toBe("node_masked");
    expect(s.fromAgent({ kind: "control", event: { type: "input", id: 2, value: "x" } })?.code).toBe("not_allowed");
    expect(s.fromAgent({ kind: "control", event: { type: "click", id: 2 } })).toBeUndefined();
    expect(s.visitor.last("control")).toEqual({ kind: "control", event: { type: "click", id: 2 } });
    expect(s.audit).toContain("cobrowse.mode");
  });

  it("ends after the agent's viewer is hidden past the limit, tells both sides why, releases memory", () => {
    const s = activeSession(1_000);
    s.clock.advance(5_000); // watching without a click is presence
    expect(s.room.state).toBe("active");
    s.fromAgent({ kind: "presence", visible: false });
    s.clock.advance(999);
    expect(s.room.state).toBe("active");
    s.clock.advance(1);
    expect(s.room.state).toBe("ended");
    expect(s.visitor.last("state")).toMatchObject({ state: "ended", reason: "agent_away" });
    expect(s.agentPeer.last("state")).toMatchObject({ state: "ended", reason: "agent_away" });
    expect(s.isEnded()).toBe(true);
    expect(s.room.retainedBytes()).toBe(0);
  });

  it("ships a 120 s agent inactivity default", () => {
    const policy = parse(readFileSync(path.resolve("policies/cobrowse.yaml"), "utf8")) as { agentInactivity: { seconds: number } };
    expect(policy.agentInactivity.seconds).toBe(120);
  });

  it("answers malformed frames with codes at parse time", () => {
    expect(parseFrame("{", visitorMessage)).toMatchObject({ ok: false, code: "bad_json" });
    expect(parseFrame('{"kind":"scroll","id":"x","x":0,"y":0}', visitorMessage)).toMatchObject({ ok: false, code: "bad_frame" });
    expect(parseFrame('{"kind":"nope"}', agentMessage)).toMatchObject({ ok: false, code: "bad_frame" });
    expect(parseFrame("x".repeat(100), visitorMessage, 50)).toMatchObject({ ok: false, code: "frame_too_large" });
    const ops = Array.from({ length: 1001 }, () => ({ op: "remove", id: 1 }));
    expect(parseFrame(JSON.stringify({ kind: "mutations", seq: 1, ops }), visitorMessage)).toMatchObject({ ok: false, code: "too_many_ops" });
  });
});
