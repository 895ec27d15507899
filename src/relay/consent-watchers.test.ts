import path from "node:path";
import { rmSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { isAction, type Role } from "../policy/actions.js";
import { PolicyEngine } from "../policy/engine.js";
import { PolicyError } from "../policy/errors.js";
import { shippedPolicyDir } from "../policy/load.js";
import { parseFrame } from "../protocol/frame.js";
import { visitorMessage, type VisitorMessage } from "../protocol/visitor-messages.js";
import type { AgentMessage } from "../protocol/agent-messages.js";
import { ConsentPause } from "./consent-pause.js";
import { CobrowseSession } from "./cobrowse-session.js";
import { AssetUrlSigner } from "./sanitizer/asset-url.js";
import { readAllowlist } from "./sanitizer/policy-allowlist.js";
import { Sanitizer } from "./sanitizer/sanitizer.js";
import { RecordingPeer } from "../../test/helpers/recording-peer.js";
import { policyDir, replaceOnce, shipped } from "../../test/policy/policy-dir.js";
import { ManualClock } from "../../test/relay/ws-client.js";

// Consent and watchers at the relay, on a real session with the shipped policy engine and a manual
// clock: every agent is named to the visitor and sees nothing before the visitor's yes to them;
// questions go one at a time; the visitor removes one watcher or stops for all; control goes to
// the agent it named; a "no" pauses the same question on the server for the policy's pause (and
// a new session of the same visit does not reset it); every step is audited as metadata.

const ORIGIN = "https://bank.example";
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function engine(cobrowseEdit?: [string, string]): PolicyEngine {
  const sites = replaceOnce(shipped("sites.yaml"), "origins: [http://127.0.0.1:8080, http://localhost:8080]", `origins: [${ORIGIN}]`);
  const files: Record<string, string> = { "sites.yaml": sites };
  if (cobrowseEdit) files["cobrowse.yaml"] = replaceOnce(shipped("cobrowse.yaml"), ...cobrowseEdit);
  const dir = policyDir(files);
  dirs.push(dir);
  return PolicyEngine.load({ shippedDir: shippedPolicyDir, overrideDir: dir, mode: "dev" });
}

const PAGE = `<body data-airlock-id="1"><p data-airlock-id="2">Balance</p><input data-airlock-id="3"></body>`;

function setup(options: { policy?: PolicyEngine; pause?: ConsentPause } = {}) {
  const policy = options.policy ?? engine();
  const clock = new ManualClock();
  const audit: string[] = [];
  const site = { id: "demo", origins: [ORIGIN] };
  const pause = options.pause ?? new ConsentPause(policy.policy.cobrowse.consentPause.seconds * 1000);
  const session = new CobrowseSession({
    site,
    sanitizer: new Sanitizer({ allowlist: readAllowlist(path.resolve("policies")), signer: new AssetUrlSigner("http://127.0.0.1:8080"), site, maskSelectors: [] }),
    decide: (action, context) => (isAction(action) ? policy.decide(action, context) : { allow: false, reason: "unknown" }),
    clock,
    inactivityMs: 120_000,
    maskInputValues: true,
    audit: (event, meta) => audit.push([event, meta.step ?? meta.change ?? "", meta.mode ?? "", meta.agent ?? "", meta.reason ?? ""].filter(Boolean).join(" ")),
    onEnded: () => undefined,
    additionalWatchersConsent: policy.policy.cobrowse.additionalWatchers.consentRequired,
    consentPause: pause,
  });
  const visitor = new RecordingPeer();
  session.attachVisitor(visitor);
  const fromVisitor = (m: VisitorMessage) => session.fromVisitor(m, ORIGIN);
  const agent = (subject: string, displayName: string, ...roles: Role[]) => {
    const peer = new RecordingPeer();
    const seat = session.seatFor(peer, { subject, displayName, roles, mfa: true, sourceAddress: "127.0.0.1" });
    const send = (m: AgentMessage) => session.fromAgent(seat, m);
    return { peer, seat, send, join: () => send({ kind: "join", versions: [1, 2], room: session.id, mode: "view" }) };
  };
  /** The question on the visitor's screen now. */
  const question = () => visitor.last("consent-request") as { request: string; mode: "view" | "control"; agent: Record<string, unknown>; additional?: boolean };
  const answer = (yes: boolean) => {
    const q = question();
    return fromVisitor({ kind: "consent", request: q.request, answer: yes ? "granted" : "denied", mode: q.mode });
  };
  const watchers = () => ((visitor.last("state") as { watchers?: { displayName: string; role: string; controlling: boolean }[] }).watchers ?? []).map((w) => `${w.displayName}/${w.role}${w.controlling ? "/control" : ""}`);
  const actions = (peer: RecordingPeer) => (peer.last("state") as { actions?: string[] }).actions ?? [];
  return { room: session, clock, audit, visitor, fromVisitor, agent, question, answer, watchers, actions, pause };
}

/** A session where agent Alex shares the visitor's page. */
function sharing(options: Parameters<typeof setup>[0] = {}) {
  const s = setup(options);
  const alex = s.agent("demo-agent", "Alex Agent", "agent");
  expect(alex.join()).toBeUndefined();
  expect(s.answer(true)).toBeUndefined();
  expect(s.fromVisitor({ kind: "snapshot", seq: 1, url: `${ORIGIN}/`, html: PAGE, viewport: { width: 800, height: 600 } })).toBeUndefined();
  return { ...s, alex };
}

describe("watchers are named and let in one by one", () => {
  it("names the first agent with role and watcher id, and sends nothing of the page before the visitor's yes", () => {
    const s = setup();
    const alex = s.agent("demo-agent", "Alex Agent", "agent");
    alex.join();
    expect(s.question()).toMatchObject({ mode: "view", agent: { displayName: "Alex Agent", role: "agent", watcher: alex.seat.id } });
    expect(s.question().additional).toBeUndefined();
    expect(s.actions(alex.peer)).toEqual(["leave"]);
    s.answer(true);
    expect(s.watchers()).toEqual(["Alex Agent/agent"]);
    expect(s.actions(alex.peer)).toEqual(["highlight", "request-control", "leave"]);
  });

  it("asks the visitor by name for each further watcher (supervisor), who sees nothing before the yes", () => {
    const s = sharing();
    const sam = s.agent("demo-supervisor", "Sam Supervisor", "supervisor");
    expect(sam.join()).toBeUndefined();
    expect(s.question()).toMatchObject({ mode: "view", additional: true, agent: { displayName: "Sam Supervisor", role: "supervisor", watcher: sam.seat.id } });
    expect(sam.peer.all("snapshot")).toEqual([]);
    expect(s.fromVisitor({ kind: "input", id: 3, value: "x", masked: true })).toBeUndefined();
    expect(sam.peer.all("input")).toEqual([]);
    expect(sam.send({ kind: "highlight", x: 1, y: 1 })?.code).toBe("no_consent");
    expect(s.watchers()).toEqual(["Alex Agent/agent"]);
    s.answer(true);
    expect(sam.peer.all("snapshot")).toHaveLength(1);
    expect(s.watchers()).toEqual(["Alex Agent/agent", "Sam Supervisor/supervisor"]);
    // The supervisor may not operate pages: the server offers no control button.
    expect(s.actions(sam.peer)).toEqual(["highlight", "leave"]);
  });

  it("lets a further watcher in at once, named in the list, where additionalWatchers.consentRequired is false", () => {
    const s = sharing({ policy: engine(["additionalWatchers: { consentRequired: true,", "additionalWatchers: { consentRequired: false,"]) });
    const asked = s.visitor.all("consent-request").length;
    const sam = s.agent("demo-supervisor", "Sam Supervisor", "supervisor");
    sam.join();
    expect(s.visitor.all("consent-request")).toHaveLength(asked);
    expect(sam.peer.all("snapshot")).toHaveLength(1);
    expect(s.watchers()).toEqual(["Alex Agent/agent", "Sam Supervisor/supervisor"]);
  });

  it("asks one question at a time; the question of an agent who left is withdrawn and the next one asked", () => {
    const s = sharing();
    const sam = s.agent("demo-supervisor", "Sam Supervisor", "supervisor");
    expect(sam.join()).toBeUndefined();
    const asked = s.visitor.all("consent-request").length;
    expect(s.alex.send({ kind: "request-control" })).toBeUndefined();
    expect(s.visitor.all("consent-request")).toHaveLength(asked); // queued behind Sam's question
    const first = s.question().request;
    sam.send({ kind: "leave" });
    expect(s.visitor.last("consent-cancel")).toEqual({ kind: "consent-cancel", request: first });
    expect(s.question()).toMatchObject({ mode: "control", agent: { displayName: "Alex Agent" } });
    // An answer to the withdrawn question answers nothing.
    expect(s.fromVisitor({ kind: "consent", request: first, answer: "granted", mode: "view" })?.code).toBe("wrong_state");
  });

  it("the visitor removes one watcher: that agent's view ends (removed_by_visitor), the others go on; leavers drop off the list", () => {
    const s = sharing();
    const sam = s.agent("demo-supervisor", "Sam Supervisor", "supervisor");
    sam.join();
    s.answer(true);
    expect(s.fromVisitor({ kind: "remove-watcher", watcher: sam.seat.id })).toBeUndefined();
    expect(sam.peer.last("state")).toMatchObject({ state: "ended", reason: "removed_by_visitor" });
    expect(s.room.state).toBe("active");
    expect(s.watchers()).toEqual(["Alex Agent/agent"]);
    expect(sam.send({ kind: "highlight", x: 1, y: 1 })?.code).toBe("wrong_state");
    // Hostile or stale: an unknown watcher, a malformed frame.
    expect(s.fromVisitor({ kind: "remove-watcher", watcher: sam.seat.id })?.code).toBe("wrong_state");
    expect(s.fromVisitor({ kind: "remove-watcher", watcher: "not-a-seat-of-this-room" })?.code).toBe("wrong_state");
    for (const bad of ['{"kind":"remove-watcher"}', '{"kind":"remove-watcher","watcher":"x"}', '{"kind":"remove-watcher","watcher":1}', '{"kind":"remove-watcher","watcher":"abcdefghij","all":true}']) {
      expect(parseFrame(bad, visitorMessage), bad).toMatchObject({ ok: false, code: "bad_frame" });
    }
    expect(parseFrame(`{"kind":"remove-watcher","watcher":"${"a".repeat(65)}"}`, visitorMessage)).toMatchObject({ ok: false, code: "value_too_long" });
    expect(s.audit).toContain("cobrowse.watcher leave demo-supervisor removed_by_visitor");
  });

  it("control goes to the agent the visitor named; another watcher's control events are refused", () => {
    const s = sharing();
    // Only an agent with both roles may join a running session and be granted control.
    const bo = s.agent("demo-agent-2", "Bo Agent", "agent", "supervisor");
    expect(bo.join()).toBeUndefined();
    s.answer(true);
    s.alex.send({ kind: "request-control" });
    expect(s.question()).toMatchObject({ mode: "control", agent: { displayName: "Alex Agent" } });
    expect(bo.send({ kind: "request-control" })).toBeUndefined(); // queued behind Alex's question
    s.answer(true);
    expect(s.watchers()).toEqual(["Alex Agent/agent/control", "Bo Agent/supervisor"]);
    expect(s.alex.send({ kind: "control", event: { type: "click", id: 2 } })).toBeUndefined();
    expect(bo.send({ kind: "control", event: { type: "click", id: 2 } })?.code).toBe("no_consent");
    // Bo's question comes next; a "no" to Bo leaves Alex in control.
    expect(s.question()).toMatchObject({ mode: "control", agent: { displayName: "Bo Agent" } });
    s.answer(false);
    expect(s.room.mode).toBe("control");
    expect(s.watchers()).toEqual(["Alex Agent/agent/control", "Bo Agent/supervisor"]);
    // The controlling agent leaves: control ends with them.
    s.alex.send({ kind: "leave" });
    expect(s.room.mode).toBe("view");
    expect(s.room.granted.control).toBe(false);
    expect(bo.send({ kind: "control", event: { type: "click", id: 2 } })?.code).toBe("not_allowed") // nobody holds control now;
  });
});

describe("a no is told at once and holds for the policy's pause, on the server", () => {
  it("ships a 60 s pause and asks for each further watcher by default", () => {
    const { cobrowse } = engine().policy;
    expect(cobrowse.consentPause.seconds).toBe(60);
    expect(cobrowse.additionalWatchers.consentRequired).toBe(true);
  });

  it("refuses a pause outside its limits, naming the file and field", () => {
    expect(() => engine(["consentPause: { seconds: 60,", "consentPause: { seconds: 0,"])).toThrow(PolicyError);
    expect(() => engine(["consentPause: { seconds: 60,", "consentPause: { seconds: 99999,"])).toThrow(/cobrowse\.yaml[\s\S]*consentPause\.seconds/);
    expect(() => engine(["additionalWatchers: { consentRequired: true,", "additionalWatchers: { consentRequired: maybe,"])).toThrow(/additionalWatchers\.consentRequired/);
  });

  it("control declined: the agent is told with the pause; asking again is refused (ask_paused) until the pause is over", () => {
    const s = sharing();
    s.alex.send({ kind: "request-control" });
    expect(s.actions(s.alex.peer)).toEqual(["highlight", "leave"]);
    s.answer(false);
    expect(s.alex.peer.last("consent")).toEqual({ kind: "consent", answer: "denied", mode: "control", retryAfterMs: 60_000 });
    expect(s.actions(s.alex.peer)).toEqual(["highlight", "leave"]);
    const asked = s.visitor.all("consent-request").length;
    s.clock.advance(59_999);
    expect(s.alex.send({ kind: "request-control" })).toMatchObject({ code: "ask_paused" });
    expect(s.visitor.all("consent-request")).toHaveLength(asked);
    // When the pause is over the server says so itself: the button comes back.
    s.clock.advance(1);
    expect(s.actions(s.alex.peer)).toEqual(["highlight", "request-control", "leave"]);
    expect(s.alex.send({ kind: "request-control" })).toBeUndefined();
    expect(s.visitor.all("consent-request")).toHaveLength(asked + 1);
  });

  it("taking control back is a no to control for the pause as well", () => {
    const s = sharing();
    s.alex.send({ kind: "request-control" });
    s.answer(true);
    s.fromVisitor({ kind: "revoke" });
    expect(s.room.mode).toBe("view");
    expect(s.alex.send({ kind: "request-control" })).toMatchObject({ code: "ask_paused" });
    expect(s.audit).toContain("cobrowse.consent revoked control demo-agent");
  });

  it("sharing declined: asking again waits out the pause, in this session and in the visit's next one", () => {
    const pause = new ConsentPause(60_000);
    const s = setup({ pause });
    const alex = s.agent("demo-agent", "Alex Agent", "agent");
    alex.join();
    s.answer(false);
    expect(alex.peer.last("consent")).toEqual({ kind: "consent", answer: "denied", mode: "view", retryAfterMs: 60_000 });
    expect(alex.send({ kind: "request-view" })).toMatchObject({ code: "ask_paused" });
    expect(s.actions(alex.peer)).toEqual(["leave"]);
    // Leaving and starting afresh (the visit's next session shares its pause) asks nobody.
    alex.send({ kind: "leave" });
    const next = setup({ pause });
    next.clock.t = s.clock.t;
    const again = next.agent("demo-agent", "Alex Agent", "agent");
    again.join();
    expect(next.visitor.all("consent-request")).toEqual([]);
    expect(again.peer.last("consent")).toMatchObject({ answer: "denied", mode: "view" });
    next.clock.advance(60_000);
    expect(next.actions(again.peer)).toEqual(["request-view", "leave"]);
    expect(again.send({ kind: "request-view" })).toBeUndefined();
    expect(next.question()).toMatchObject({ mode: "view", agent: { displayName: "Alex Agent" } });
    expect(again.send({ kind: "request-view" })?.code).toBe("wrong_state"); // already being asked
    next.answer(true);
    expect(again.send({ kind: "request-view" })?.code).toBe("wrong_state"); // already watching
  });

  it("audits each watcher joining and leaving and each consent step with its mode and the agent it named", () => {
    const s = sharing();
    const sam = s.agent("demo-supervisor", "Sam Supervisor", "supervisor");
    sam.join();
    s.answer(false);
    s.alex.send({ kind: "request-control" });
    s.answer(true);
    s.fromVisitor({ kind: "end" });
    expect(s.audit).toEqual([
      "cobrowse.join demo-agent",
      "cobrowse.consent asked view demo-agent",
      "cobrowse.consent given view demo-agent",
      "cobrowse.start",
      "cobrowse.watcher join demo-agent",
      "cobrowse.join demo-supervisor",
      "cobrowse.consent asked view demo-supervisor",
      "cobrowse.consent declined view demo-supervisor",
      "cobrowse.consent asked control demo-agent",
      "cobrowse.consent given control demo-agent",
      "cobrowse.mode control",
      "cobrowse.consent revoked view demo-agent",
      "cobrowse.watcher leave demo-agent visitor_ended",
      "cobrowse.end visitor_ended",
    ]);
  });
});
