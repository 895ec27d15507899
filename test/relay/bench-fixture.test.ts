import { describe, expect, it } from "vitest";
import { loadFixture, type RecordedSession } from "../../src/bench/relay-frames.js";
import { PolicyEngine } from "../../src/policy/engine.js";
import { shippedPolicyDir } from "../../src/policy/load.js";
import { parseFrame } from "../../src/protocol/frame.js";
import { visitorMessage } from "../../src/protocol/visitor-messages.js";
import type { Peer } from "../../src/relay/peer.js";
import type { CobrowseSession } from "../../src/relay/cobrowse-session.js";
import { AssetUrlSigner } from "../../src/relay/sanitizer/asset-url.js";
import { allowlistFromSanitizePolicy } from "../../src/relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../../src/relay/sanitizer/sanitizer.js";
import { benchSession } from "../../src/bench/relay-session.js";

// The frames `bench relay` replays, through a real session with the shipped policies: each
// recording is a valid stream (no frame refused), so the benchmark measures the relay's real
// work and not early refusals. Also pins what made a recorded stream fail before: a page
// removing a node inside a subtree it removed earlier in the same batch.

const fixture = loadFixture();
const policy = PolicyEngine.load({ shippedDir: shippedPolicyDir, mode: "dev" });
const site = { id: "demo", origins: [fixture.origin] };
const sanitizer = new Sanitizer({
  allowlist: allowlistFromSanitizePolicy(policy.policy.sanitize),
  signer: new AssetUrlSigner("http://127.0.0.1:8080"),
  site,
  maskSelectors: policy.policy.sites.sites.demo?.maskingSelectors ?? [],
});

function watchedSession(agentFrames: string[]): CobrowseSession {
  const session = benchSession(site, sanitizer, policy);
  const visitor: Peer = { send: () => undefined, bufferedAmount: () => 0, close: () => undefined };
  const agent: Peer = { send: (f) => void agentFrames.push(f), bufferedAmount: () => 0, close: () => undefined };
  session.attachVisitor(visitor);
  const seat = session.seatFor(agent, { subject: "bench-agent", displayName: "Bench", roles: ["agent"], mfa: true, sourceAddress: "127.0.0.1" });
  session.fromAgent(seat, { kind: "join", versions: [1], room: session.id, mode: "view" });
  const request = session.pendingConsent?.request;
  if (request) session.fromVisitor({ kind: "consent", request, answer: "granted", mode: "view" }, fixture.origin);
  return session;
}

function replay(session: CobrowseSession, frames: readonly Record<string, unknown>[]): string[] {
  const refused: string[] = [];
  for (const frame of frames) {
    const parsed = parseFrame(JSON.stringify(frame), visitorMessage);
    const failure = parsed.ok ? session.fromVisitor(parsed.message, fixture.origin) : parsed;
    if (failure) refused.push(`${String(frame.kind)}: ${failure.code}`);
  }
  return refused;
}

describe("bench relay fixture", () => {
  it("has recordings of the demo shop and of htmlparser-benchmark pages, with added subtrees among the changes", () => {
    const sources = fixture.sessions.map((s) => s.source);
    expect(sources.some((s) => s.startsWith("demo:"))).toBe(true);
    expect(sources.filter((s) => s.startsWith("htmlparser-benchmark:")).length).toBeGreaterThanOrEqual(5);
    const ops = (s: RecordedSession, op: string) =>
      s.frames.flatMap((f) => (f.kind === "mutations" ? (f.ops as { op: string }[]) : [])).filter((o) => o.op === op).length;
    for (const s of fixture.sessions.filter((x) => x.source.startsWith("htmlparser-benchmark:"))) {
      expect(ops(s, "add") + ops(s, "attr") + ops(s, "text") + ops(s, "remove"), s.source).toBeGreaterThan(20);
    }
    expect(fixture.sessions.filter((s) => ops(s, "add") > 0).length).toBeGreaterThanOrEqual(5);
  });

  it.each(fixture.sessions.map((s) => [s.source, s] as const))("%s replays through a real room without a refused frame", (_, session) => {
    const agentFrames: string[] = [];
    const cobrowseSession = watchedSession(agentFrames);
    expect(replay(cobrowseSession, session.frames)).toEqual([]);
    expect(agentFrames.some((f) => f.startsWith('{"kind":"snapshot"'))).toBe(true);
    cobrowseSession.end("visitor_gone");
  });

  it("skips a removal of a node already removed with its ancestor and applies the rest of the batch", () => {
    const agentFrames: string[] = [];
    const session = watchedSession(agentFrames);
    const html = '<html data-airlock-id="1"><body data-airlock-id="2"><div data-airlock-id="3"><p data-airlock-id="4">a</p></div><p data-airlock-id="5">b</p></body></html>';
    const refused = replay(session, [
      { kind: "snapshot", seq: 1, url: `${fixture.origin}/page`, html, viewport: { width: 800, height: 600 } },
      { kind: "mutations", seq: 2, ops: [{ op: "remove", id: 3 }, { op: "remove", id: 4 }, { op: "text", id: 5, value: "changed" }] },
    ]);
    expect(refused).toEqual([]);
    const batch = JSON.parse(agentFrames.findLast((f) => f.startsWith('{"kind":"mutations"')) ?? "{}") as { ops?: unknown[] };
    expect(batch.ops).toEqual([{ op: "remove", id: 3 }, { op: "text", id: 5, value: "changed" }]);
    expect(session.index.has(4)).toBe(false);
    session.end("visitor_gone");
  });
});
