import { describe, expect, it } from "vitest";
import { MemoryBus } from "../../src/bus/memory-bus.js";
import { createLogger } from "../../src/ops/log.js";
import { PolicyEngine } from "../../src/policy/engine.js";
import { shippedPolicyDir } from "../../src/policy/load.js";
import type { AgentKind, AgentMessage } from "../../src/protocol/agent-messages.js";
import type { VisitorMessage } from "../../src/protocol/visitor-messages.js";
import type { Failure } from "../../src/relay/failure.js";
import { openingChecks, routeChecks, visitChecks } from "../../src/relay/message-table.js";
import { Relay } from "../../src/relay/relay.js";
import { AssetUrlSigner } from "../../src/relay/sanitizer/asset-url.js";
import { RecordingPeer } from "../helpers/recording-peer.js";
import { bankSitesYaml, policyDir } from "../policy/policy-dir.js";
import { ManualClock } from "./ws-client.js";

// The rows before any session (message-table.ts): a visitor's opening frame (`hello`, `resume`)
// in Relay.openVisitor, a visitor's co-browse frame on its way to the visit's session in
// Relay.fromVisitor, and an agent message's way to its session in the relay's router. For every
// check of these rows, a frame failing exactly that check, sent through the real relay, is
// refused by that check with its code; the frame without the hostile part passes.

const ORIGIN = "https://bank.example";
const SITE_KEY = "bank-site-key-00001";
const viewport = { width: 800, height: 600 };

/** A relay with the shipped policy and a test site; `denying.action` makes the engine refuse that action. */
function relayWith(denying: { action?: string } = {}, bus = new MemoryBus()) {
  const engine = PolicyEngine.load({ shippedDir: shippedPolicyDir, overrideDir: policyDir({ "sites.yaml": bankSitesYaml(ORIGIN) }), mode: "dev" });
  // The real engine, refusing one action: policy checks are the only ones a real policy cannot fail here.
  const policy = new Proxy(engine, {
    get(target, prop) {
      if (prop === "decide") return (action: string, context: unknown) => (action === denying.action ? { allow: false, reason: `the test denies ${action}` } : engine.decide(action as never, context as never));
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return new Relay({ policy, bus, log: createLogger("silent"), signer: new AssetUrlSigner("http://127.0.0.1:8080"), audit: () => undefined, clock: new ManualClock() });
}

type Opening = Extract<VisitorMessage, { kind: "hello" | "resume" }>;
const hello = (over: Partial<Extract<Opening, { kind: "hello" }>> = {}): Opening => ({ kind: "hello", versions: [1], siteKey: SITE_KEY, url: `${ORIGIN}/`, viewport, ...over });
const resume = (resumeToken: string, over: Partial<Extract<Opening, { kind: "resume" }>> = {}): Opening => ({ kind: "resume", versions: [1], resumeToken, url: `${ORIGIN}/next`, viewport, ...over });

/** Opens a visit with `hello`; its resume token and the visit. */
function openVisit(relay: Relay) {
  const peer = new RecordingPeer();
  const opening = relay.openVisitor(peer, hello(), ORIGIN);
  if (!opening.ok) throw new Error(`hello refused: ${opening.failure.code}`);
  return { visit: opening.visit, token: String(peer.last("welcome")?.resumeToken) };
}

function open(relay: Relay, message: Opening): Failure | undefined {
  const opening = relay.openVisitor(new RecordingPeer(), message, ORIGIN);
  return opening.ok ? undefined : opening.failure;
}

/** Per check of the opening rows: the refusal it must give, for each opening kind. */
const openingCases: Record<string, { code: string; send: (kind: "hello" | "resume") => Failure | undefined }> = {
  "not-opened": {
    code: "wrong_state",
    send: (kind) => {
      const relay = relayWith();
      const { visit, token } = openVisit(relay);
      return relay.fromVisitor(visit, kind === "hello" ? hello() : resume(token), ORIGIN);
    },
  },
  version: {
    code: "unsupported_version",
    send: (kind) => {
      const relay = relayWith();
      return open(relay, kind === "hello" ? hello({ versions: [7, 8] }) : resume(openVisit(relay).token, { versions: [7, 8] }));
    },
  },
  "site-key": { code: "origin_not_allowed", send: () => open(relayWith(), hello({ siteKey: "no-such-site-key" })) },
  "resume-token": { code: "session_ended", send: () => open(relayWith(), resume("x".repeat(43))) },
  "policy:visitor:connect": {
    code: "not_allowed",
    send: (kind) => {
      const denying: { action?: string } = {};
      const relay = relayWith(denying);
      // A resume names a visit opened before the policy refused connections.
      const token = kind === "resume" ? openVisit(relay).token : "";
      denying.action = "visitor:connect";
      return open(relay, kind === "hello" ? hello() : resume(token));
    },
  },
  "page-in-site": {
    code: "origin_not_allowed",
    send: (kind) => {
      const relay = relayWith();
      return open(relay, kind === "hello" ? hello({ url: "https://evil.test/" }) : resume(openVisit(relay).token, { url: "https://evil.test/" }));
    },
  },
};

describe("every check of the opening rows runs in Relay.openVisitor", () => {
  it("hello and resume pass their rows", () => {
    const relay = relayWith();
    expect(open(relay, hello())).toBeUndefined();
    expect(open(relay, resume(openVisit(relay).token))).toBeUndefined();
  });

  const rows = (["hello", "resume"] as const).flatMap((kind) => openingChecks[kind].map((c) => [kind, c.checkName] as const));
  it.each(rows)("%s: a frame failing %s is refused by that check with its code", (kind, checkName) => {
    const c = openingCases[checkName];
    if (!c) throw new Error(`no hostile case for opening check ${checkName}: add one here`);
    expect(c.send(kind)).toMatchObject({ check: checkName, code: c.code });
  });

  it("a refused resume leaves its token as it was: the same token resumes the visit afterwards", () => {
    const relay = relayWith();
    const { visit, token } = openVisit(relay);
    expect(open(relay, resume(token, { url: "https://evil.test/" }))).toMatchObject({ check: "page-in-site" });
    const peer = new RecordingPeer();
    const again = relay.openVisitor(peer, resume(token), ORIGIN);
    expect(again.ok && again.visit).toBe(visit);
    // Resuming used the token up: the welcome's next token replaced it.
    expect(open(relay, resume(token))).toMatchObject({ check: "resume-token", code: "session_ended" });
  });
});

describe("every check of the route rows runs in the relay's router", () => {
  const agent = (relay: Relay) => {
    const endpoint = { conn: `conn-${Math.random().toString(36).slice(2)}`, peer: new RecordingPeer(), principal: { subject: "agent-a", displayName: "Ann", roles: ["agent"], mfa: true } };
    relay.agentOpened(endpoint);
    return (message: AgentMessage) => relay.fromAgent(endpoint, message);
  };
  const others: Record<Exclude<AgentKind, "join">, AgentMessage> = {
    leave: { kind: "leave" },
    activity: { kind: "activity" },
    presence: { kind: "presence", visible: true },
    "request-control": { kind: "request-control" },
    control: { kind: "control", event: { type: "click", id: 2 } },
    highlight: { kind: "highlight", x: 1, y: 1 },
    "request-view": { kind: "request-view" },
    laser: { kind: "laser", gesture: 1, points: [[1, 1]] },
    outline: { kind: "outline", id: 2 },
    draw: { kind: "draw", stroke: 1, points: [[1, 1], [2, 2]] },
    "clear-guides": { kind: "clear-guides" },
  };

  it.each(Object.keys(routeChecks))("%s passes its route row once the agent joined a room", (kind) => {
    const relay = relayWith();
    const { visit } = openVisit(relay);
    const send = agent(relay);
    const join: AgentMessage = { kind: "join", versions: [1], room: visit.cobrowseSessionId, mode: "view" };
    expect(send(join)).toBeUndefined();
    if (kind !== "join") expect(send(others[kind as Exclude<AgentKind, "join">])).toBeUndefined();
  });

  const rows = Object.entries(routeChecks).flatMap(([kind, row]) => row.map((c) => [kind, c.checkName] as const));
  it.each(rows)("%s: a message failing %s is refused by that check with its code", (kind, checkName) => {
    const relay = relayWith();
    const { visit } = openVisit(relay);
    const send = agent(relay);
    const cases: Record<string, [AgentMessage, string]> = {
      version: [{ kind: "join", versions: [7, 8], room: visit.cobrowseSessionId, mode: "view" }, "unsupported_version"],
      "session-found": [{ kind: "join", versions: [1], room: "no-such-room-0000", mode: "view" }, "session_ended"],
      // Any kind but join before joining a session.
      "in-session": [kind === "join" ? { kind: "leave" } : others[kind as Exclude<AgentKind, "join">], "wrong_state"],
    };
    const c = cases[checkName];
    if (!c) throw new Error(`no hostile case for route check ${checkName}: add one here`);
    expect(send(c[0])).toMatchObject({ check: checkName, code: c[1] });
  });
});

describe("every check of the visit rows runs in Relay.fromVisitor", () => {
  const frames: Record<keyof typeof visitChecks, VisitorMessage> = {
    snapshot: { kind: "snapshot", seq: 1, url: `${ORIGIN}/`, html: "<p></p>", viewport },
    mutations: { kind: "mutations", seq: 2, ops: [{ op: "remove", id: 5 }] },
    scroll: { kind: "scroll", id: 0, x: 0, y: 1 },
    viewport: { kind: "viewport", viewport },
    pointer: { kind: "pointer", x: 1, y: 1 },
    focus: { kind: "focus", id: 0 },
    hover: { kind: "hover", id: 0 },
    input: { kind: "input", id: 2, value: "x", masked: false },
    navigation: { kind: "navigation", url: `${ORIGIN}/next` },
    consent: { kind: "consent", request: "some-request", answer: "granted", mode: "view" },
    revoke: { kind: "revoke" },
    end: { kind: "end" },
    "control-refused": { kind: "control-refused", id: 2, reason: "secret_field" },
    canvas: { kind: "canvas", id: 4, image: "data:image/png;base64,AAAA" },
    "remove-watcher": { kind: "remove-watcher", watcher: "some-watcher" },
    "clear-guides": { kind: "clear-guides" },
  };
  const rows = Object.entries(visitChecks).flatMap(([kind, row]) => row.map((c) => [kind, c.checkName] as const));

  it.each(rows)("%s: a frame failing %s is refused by that check with its code", (kind, checkName) => {
    expect(checkName).toBe("session-running");
    const relay = relayWith();
    const frame = frames[kind as keyof typeof visitChecks];
    // With the visit's session running the frame reaches the session (whose own rows may refuse it).
    expect(relay.fromVisitor(openVisit(relay).visit, frame, ORIGIN)?.check).not.toBe("session-running");
    const { visit } = openVisit(relay);
    // The visitor ends the co-browse session; the visit (and its chat) goes on without a session.
    expect(relay.fromVisitor(visit, { kind: "end" }, ORIGIN)).toBeUndefined();
    expect(relay.fromVisitor(visit, frame, ORIGIN)).toMatchObject({ check: "session-running", code: "session_ended" });
  });
});

describe("the route rows run again at the room's owner", () => {
  it("a join whose room ended before it reached the owner is refused there once, session_ended, and seats nobody", async () => {
    const bus = new MemoryBus();
    const owner = relayWith({}, bus);
    const other = relayWith({}, bus);
    await owner.start();
    await other.start();
    try {
      const { visit } = openVisit(owner);
      const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
      await flush(); // the other replica learns the session from the owner's announcement
      const peer = new RecordingPeer();
      const endpoint = { conn: "conn-on-the-other-replica", peer, principal: { subject: "agent-a", displayName: "Ann", roles: ["agent"], mfa: true } };
      other.agentOpened(endpoint);
      const room = visit.cobrowseSessionId;
      expect(other.fromAgent(endpoint, { kind: "join", versions: [1], room, mode: "view" })).toBeUndefined();
      // Before the join crosses the bus, the visitor ends the session: the owner no longer has the session.
      expect(owner.fromVisitor(visit, { kind: "end" }, ORIGIN)).toBeUndefined();
      await flush();
      await flush();
      expect(peer.all("error")).toEqual([{ kind: "error", code: "session_ended", message: "no such co-browse session", ref: "join" }]);
      expect(owner.cobrowseSession(room)).toBeUndefined();
    } finally {
      await owner.shutdown();
      await other.shutdown();
    }
  });
});
