import path from "node:path";
import { describe, expect, it } from "vitest";
import type { AgentKind, AgentMessage } from "../../src/protocol/agent-messages.js";
import { GUIDANCE_LIMITS } from "../../src/protocol/guidance-limits.js";
import { MASK_PLACEHOLDER } from "../../src/protocol/mask.js";
import type { VisitorKind, VisitorMessage } from "../../src/protocol/visitor-messages.js";
import type { AgentSeat } from "../../src/relay/agent-seat.js";
import type { Failure } from "../../src/relay/failure.js";
import { agentChecks, visitorChecks } from "../../src/relay/message-table.js";
import { CobrowseSession } from "../../src/relay/cobrowse-session.js";
import { AssetUrlSigner } from "../../src/relay/sanitizer/asset-url.js";
import { readAllowlist } from "../../src/relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../../src/relay/sanitizer/sanitizer.js";
import { png } from "../helpers/images.js";
import { RecordingPeer } from "../helpers/recording-peer.js";
import { ManualClock } from "./ws-client.js";

// The room's rows of the message table are the whole truth: this test reads the table and, for
// every check of every row, sends the kind's message through the real session in a state that
// fails exactly that check (and passes every check before it). The refusal must name that check
// and carry its specific code; the same message without the hostile part passes. A check that a
// row lists but the session skips, or a row that never runs, fails here.

const ORIGIN = "https://bank.example";
const PAGE = `<body data-airlock-id="1"><input data-airlock-id="2"><div class="secret" data-airlock-id="3">s</div><canvas data-airlock-id="4"></canvas><p data-airlock-id="5">t</p></body>`;
const viewport = { width: 800, height: 600 };

/** A real 4×4 PNG (the relay reads its header and structure). */
const smallPng = (): string => `data:image/png;base64,${png(4, 4).toString("base64")}`;

/**
 * A running room: agent A joined, the visitor let A watch, the page's snapshot is in (unless
 * `snapshot: false`); with `control`, A holds control. Policy allows everything until `deny`.
 */
function world(options: { snapshot?: boolean; control?: boolean } = {}) {
  const denied = new Set<string>();
  const site = { id: "bank", origins: [ORIGIN] };
  const session = new CobrowseSession({
    site,
    sanitizer: new Sanitizer({ allowlist: readAllowlist(path.resolve("policies")), signer: new AssetUrlSigner("http://127.0.0.1:8080"), site, maskSelectors: [".secret"] }),
    decide: (action) => (denied.has(action) ? { allow: false, reason: `the test denies ${action}` } : { allow: true, reason: "test" }),
    clock: new ManualClock(),
    inactivityMs: 120_000,
    maskInputValues: false,
    canvas: { intervalMs: 0, maxBytes: 100_000 },
    audit: () => undefined,
    onEnded: () => undefined,
  });
  const visitor = new RecordingPeer();
  session.attachVisitor(visitor);
  const seat = (subject: string) => session.seatFor(new RecordingPeer(), { subject, displayName: subject, roles: ["agent"], mfa: true });
  const fromVisitor = (m: VisitorMessage) => session.fromVisitor(m, ORIGIN);
  const answer = (mode: "view" | "control") => {
    const ask = visitor.last("consent-request") as { request: string };
    expect(fromVisitor({ kind: "consent", request: ask.request, answer: "granted", mode })).toBeUndefined();
  };
  const a = seat("agent-a");
  expect(session.fromAgent(a, { kind: "join", versions: [1], room: session.id, mode: "view" })).toBeUndefined();
  answer("view");
  if (options.snapshot !== false) expect(fromVisitor({ kind: "snapshot", seq: 1, url: `${ORIGIN}/p`, html: PAGE, viewport })).toBeUndefined();
  if (options.control) {
    expect(session.fromAgent(a, { kind: "request-control" })).toBeUndefined();
    answer("control");
  }
  return { room: session, a, seat, fromVisitor, deny: (action: string) => denied.add(action) };
}
type World = ReturnType<typeof world>;

const visitorCases: { readonly [K in Exclude<VisitorKind, "hello" | "resume">]: (w: World, hostile: Hostile) => VisitorMessage } = {
  snapshot: (_w, h) => ({ kind: "snapshot", seq: 2, url: h.url ?? `${ORIGIN}/q`, html: PAGE, viewport }),
  mutations: () => ({ kind: "mutations", seq: 2, ops: [{ op: "attr", id: 5, name: "title", value: "x" }] }),
  scroll: (_w, h) => ({ kind: "scroll", id: h.node ?? 5, x: 0, y: 1 }),
  viewport: () => ({ kind: "viewport", viewport }),
  pointer: () => ({ kind: "pointer", x: 1, y: 1 }),
  focus: (_w, h) => ({ kind: "focus", id: h.node ?? 2 }),
  hover: (_w, h) => ({ kind: "hover", id: h.node ?? 2 }),
  input: (_w, h) => ({ kind: "input", id: h.node ?? 2, value: "x", masked: false }),
  navigation: (_w, h) => ({ kind: "navigation", url: h.url ?? `${ORIGIN}/next` }),
  consent: (w, h) => {
    // A second agent asks to watch: the visitor's answer answers that question.
    expect(w.room.fromAgent(w.seat("agent-b"), { kind: "join", versions: [1], room: w.room.id, mode: "view" })).toBeUndefined();
    const ask = w.room.pendingConsent;
    return { kind: "consent", request: h.request ?? ask?.request ?? "none", answer: "granted", mode: "view" };
  },
  revoke: () => ({ kind: "revoke" }),
  end: () => ({ kind: "end" }),
  "control-refused": () => ({ kind: "control-refused", id: 2, reason: "secret_field", type: "input" }),
  canvas: (_w, h) => ({ kind: "canvas", id: h.node ?? 4, image: h.image ?? smallPng() }),
  "remove-watcher": (w, h) => ({ kind: "remove-watcher", watcher: h.watcher ?? w.a.id }),
  "clear-guides": () => ({ kind: "clear-guides" }),
};

/** What a hostile variant changes in a kind's message. */
interface Hostile {
  readonly url?: string;
  readonly node?: number;
  readonly request?: string;
  readonly image?: string;
  readonly watcher?: string;
  readonly key?: string;
  readonly value?: string;
}

type AgentCase = (w: World, hostile: Hostile) => { seat: AgentSeat; message: AgentMessage };
const agentCases: { readonly [K in AgentKind]: AgentCase } = {
  join: (w) => ({ seat: w.seat("agent-b"), message: { kind: "join", versions: [1], room: w.room.id, mode: "view" } }),
  leave: (w) => ({ seat: w.a, message: { kind: "leave" } }),
  activity: (w) => ({ seat: w.a, message: { kind: "activity" } }),
  presence: (w) => ({ seat: w.a, message: { kind: "presence", visible: true } }),
  "request-control": (w) => ({ seat: w.a, message: { kind: "request-control" } }),
  control: (w, h) => ({
    seat: w.a,
    message: { kind: "control", event: h.key ? { type: "key", id: 2, key: h.key } : { type: "input", id: h.node ?? 2, value: h.value ?? "typed" } },
  }),
  highlight: (w) => ({ seat: w.a, message: { kind: "highlight", x: 1, y: 1 } }),
  laser: (w) => ({ seat: w.a, message: { kind: "laser", gesture: 1, points: [[1, 1]] } }),
  outline: (w, h) => ({ seat: w.a, message: { kind: "outline", id: h.node ?? 5 } }),
  draw: (w) => ({ seat: w.a, message: { kind: "draw", stroke: 1, points: [[1, 1], [2, 2]] } }),
  "clear-guides": (w) => ({ seat: w.a, message: { kind: "clear-guides" } }),
  "request-view": (w) => {
    // An agent in the session whom the visitor has not let watch (yet).
    w.a.admitted = false;
    return { seat: w.a, message: { kind: "request-view" } };
  },
};

/**
 * How to fail one check: the world it needs, what to do to it, what to change in the message,
 * and the code the refusal must carry. Keyed by the check's name (checks/*.ts).
 */
interface Breaker {
  readonly code: string;
  readonly world?: { snapshot?: boolean; control?: boolean };
  readonly before?: (w: World) => void;
  readonly hostile?: Hostile;
}

function breakerFor(checkName: string, kind: string): Breaker {
  if (checkName.startsWith("policy:")) {
    const action = checkName.slice("policy:".length).replace(/:as-if-granted-.*$/, "");
    return { code: "not_allowed", before: (w) => w.deny(action) };
  }
  const breakers: Record<string, Breaker> = {
    live: { code: "session_ended", before: (w) => (w.room.state = "ended") },
    snapshot: { code: "wrong_state", world: { snapshot: false } },
    "consent:view": { code: "no_consent", before: (w) => (w.room.granted.view = false) },
    "consent:control": { code: "no_consent", before: (w) => (w.room.granted.control = false) },
    "url-in-site": { code: "origin_not_allowed", hostile: { url: "https://evil.test/" } },
    node: { code: "unknown_node", hostile: { node: 424242 } },
    "consent-request": { code: "wrong_state", hostile: { request: "forged-request" } },
    "watcher:known": { code: "wrong_state", hostile: { watcher: "no-such-watcher" } },
    "canvas-node": { code: "not_allowed", hostile: { node: 2 } },
    "canvas-image": { code: "bad_frame", hostile: { image: "data:image/gif;base64,R0lGOD==" } },
    // The agent that already joined sends the join (sendAgent).
    "not-joined": { code: "wrong_state" },
    joined: { code: "wrong_state", before: (w) => (w.a.joined = false) },
    "watcher:admitted": { code: "no_consent", before: (w) => (w.a.admitted = false) },
    "watcher:not-admitted": { code: "wrong_state", before: (w) => (w.a.admitted = true) },
    "watcher:controlling": { code: "no_consent", before: (w) => (w.a.controlling = false) },
    "ask:view": { code: "wrong_state", before: (w) => void w.room.fromAgent(w.a, { kind: "request-view" }) },
    "ask:control": { code: "wrong_state", before: (w) => void w.room.fromAgent(w.a, { kind: "request-control" }) },
    "mode:control": { code: "wrong_mode", before: (w) => (w.room.mode = "view") },
    values: { code: "bad_frame", hostile: { key: "NoSuchKey" } },
    "masked-value": { code: "masked_value", hostile: { value: `ab${MASK_PLACEHOLDER}` } },
    "guide:strokes": {
      code: "too_many_strokes",
      before: (w) => {
        for (let i = 0; i < GUIDANCE_LIMITS.maxStrokesPerSession; i++) expect(w.room.fromAgent(w.a, { kind: "draw", stroke: i, points: [[0, 0], [1, 1]] })).toBeUndefined();
      },
    },
  };
  const breaker = breakers[checkName];
  if (!breaker) throw new Error(`no hostile case for check ${checkName} of ${kind}: add one here`);
  return breaker;
}

/** The world a kind's row needs to pass: control kinds need control granted. */
const needs = (kind: string): { control?: boolean } => (kind === "control" || kind === "control-refused" ? { control: true } : {});

function sendVisitor(kind: keyof typeof visitorCases, breaker?: Breaker): Failure | undefined {
  const w = world({ ...needs(kind), ...breaker?.world });
  const message = visitorCases[kind](w, breaker?.hostile ?? {});
  breaker?.before?.(w);
  return w.fromVisitor(message);
}

function sendAgent(kind: AgentKind, breaker?: Breaker, checkName?: string): Failure | undefined {
  const w = world({ ...needs(kind), ...breaker?.world });
  const { seat, message } = agentCases[kind](w, breaker?.hostile ?? {});
  breaker?.before?.(w);
  return w.room.fromAgent(checkName === "not-joined" ? w.a : seat, message);
}

const visitorRows = Object.entries(visitorChecks).flatMap(([kind, row]) => row.map((c) => [kind, c.checkName] as const));
const agentRows = Object.entries(agentChecks).flatMap(([kind, row]) => row.map((c) => [kind, c.checkName] as const));

describe("every check of the room's rows runs for its kind", () => {
  it.each(Object.keys(visitorChecks))("visitor %s passes its row in a world made for it", (kind) => {
    expect(sendVisitor(kind as keyof typeof visitorCases)).toBeUndefined();
  });

  it.each(visitorRows)("visitor %s: a frame failing %s is refused by that check with its code", (kind, checkName) => {
    const breaker = breakerFor(checkName, kind);
    expect(sendVisitor(kind as keyof typeof visitorCases, breaker)).toMatchObject({ check: checkName, code: breaker.code });
  });

  it.each(Object.keys(agentChecks))("agent %s passes its row in a world made for it", (kind) => {
    expect(sendAgent(kind as AgentKind)).toBeUndefined();
  });

  it.each(agentRows)("agent %s: a message failing %s is refused by that check with its code", (kind, checkName) => {
    const breaker = breakerFor(checkName, kind);
    expect(sendAgent(kind as AgentKind, breaker, checkName)).toMatchObject({ check: checkName, code: breaker.code });
  });
});
