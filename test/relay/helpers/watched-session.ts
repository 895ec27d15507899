import path from "node:path";
import { expect } from "vitest";
import type { MutationOp, VisitorMessage } from "../../../src/protocol/visitor-messages.js";
import type { Clock } from "../../../src/relay/clock.js";
import { CobrowseSession } from "../../../src/relay/cobrowse-session.js";
import { AssetUrlSigner } from "../../../src/relay/sanitizer/asset-url.js";
import { readAllowlist } from "../../../src/relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../../../src/relay/sanitizer/sanitizer.js";
import { RecordingPeer } from "../../helpers/recording-peer.js";

// A session with the shipped policies, one agent joined and view consent granted, driven directly
// through its message API the way a hostile page would drive it (frames the visitor script
// would never send). What the agent peer records is what an agent's browser would receive.

export const ROOM_ORIGIN = "https://bank.example";
export const ROOM_PUBLIC_URL = "https://airlock.test";

const clock: Clock = { now: () => 0, setTimeout: () => ({}), clearTimeout: () => undefined };

export interface WatchedSessionOptions {
  readonly maskInputValues?: boolean;
  readonly maskSelectors?: readonly string[];
}

export function watchedSession(snapshotHtml: string, options: WatchedSessionOptions = {}) {
  const site = { id: "bank", origins: [ROOM_ORIGIN] };
  const sanitizer = new Sanitizer({
    allowlist: readAllowlist(path.resolve("policies")),
    signer: new AssetUrlSigner(ROOM_PUBLIC_URL),
    site,
    maskSelectors: options.maskSelectors ?? [],
    maskInputValues: options.maskInputValues ?? true,
  });
  const session = new CobrowseSession({
    site,
    sanitizer,
    decide: () => ({ allow: true, reason: "test" }),
    clock,
    inactivityMs: 120_000,
    maskInputValues: options.maskInputValues ?? true,
    audit: () => undefined,
    onEnded: () => undefined,
  });
  const visitor = new RecordingPeer();
  const agent = new RecordingPeer();
  session.attachVisitor(visitor);
  const seat = session.seatFor(agent, { subject: "a1", displayName: "Ann", roles: ["agent"], mfa: true });
  session.fromAgent(seat, { kind: "join", versions: [1], room: session.id, mode: "view" });
  const ask = visitor.last("consent-request") as { request: string };
  const send = (m: VisitorMessage) => session.fromVisitor(m, ROOM_ORIGIN);
  send({ kind: "consent", request: ask.request, answer: "granted", mode: "view" });
  expect(send({ kind: "snapshot", seq: 1, url: `${ROOM_ORIGIN}/`, html: snapshotHtml, viewport: { width: 800, height: 600 } })).toBeUndefined();
  let seq = 1;
  /** Sends one mutation batch; returns the refusal, if any, and the operations agents received for it. */
  const ops = (...o: MutationOp[]) => {
    const failure = send({ kind: "mutations", seq: ++seq, ops: o });
    const last = agent.last("mutations") as { seq: number; ops: Record<string, unknown>[] } | undefined;
    return { failure, sent: last?.seq === seq ? last.ops : [] };
  };
  /** Everything agents received, as one text. */
  const received = () => JSON.stringify(agent.frames);
  const snapshot = () => (agent.last("snapshot") as { html: string } | undefined)?.html ?? "";
  return { room: session, sanitizer, agent, visitor, send, ops, received, snapshot };
}
