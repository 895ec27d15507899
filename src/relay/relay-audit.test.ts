import path from "node:path";
import { describe, expect, it } from "vitest";
import { auditEntrySchema } from "../audit/entry.js";
import { END_REASONS } from "../protocol/error-codes.js";
import { sessionAuditEntry } from "./relay-audit.js";
import { CobrowseSession } from "./cobrowse-session.js";
import { AssetUrlSigner } from "./sanitizer/asset-url.js";
import { readAllowlist } from "./sanitizer/policy-allowlist.js";
import { Sanitizer } from "./sanitizer/sanitizer.js";
import { RecordingPeer } from "../../test/helpers/recording-peer.js";
import { ManualClock } from "../../test/relay/ws-client.js";

// Why every co-browse session ended is in the audit trail: each end reason makes a valid entry
// (ids and the reason only), and each way a session can end — the visitor stops, the agent leaves,
// is away too long, the time limit, the visitor gone, shutdown — audits its own reason.

const ORIGIN = "https://bank.example";

function activeSession(): { room: CobrowseSession; events: { event: string; reason: unknown }[]; clock: ManualClock; seat: ReturnType<CobrowseSession["seatFor"]>; visitor: RecordingPeer } {
  const clock = new ManualClock();
  const events: { event: string; reason: unknown }[] = [];
  const site = { id: "bank", origins: [ORIGIN] };
  const session = new CobrowseSession({
    site,
    sanitizer: new Sanitizer({ allowlist: readAllowlist(path.resolve("policies")), signer: new AssetUrlSigner("http://127.0.0.1:8080"), site, maskSelectors: [] }),
    decide: () => ({ allow: true, reason: "test" }),
    clock,
    inactivityMs: 1_000,
    maxSessionMs: 60_000,
    maskInputValues: true,
    audit: (event, meta) => events.push({ event, reason: meta.reason }),
    onEnded: () => undefined,
  });
  const visitor = new RecordingPeer();
  session.attachVisitor(visitor);
  const seat = session.seatFor(new RecordingPeer(), { subject: "a1", displayName: "Ann", roles: ["agent"], mfa: true });
  session.fromAgent(seat, { kind: "join", versions: [1], room: session.id, mode: "view" });
  const ask = visitor.last("consent-request") as { request: string };
  session.fromVisitor({ kind: "consent", request: ask.request, answer: "granted", mode: "view" }, ORIGIN);
  return { room: session, events, clock, seat, visitor };
}

describe("the audit entry of every session end names its reason", () => {
  it.each(END_REASONS)("%s makes a valid metadata-only entry", (reason) => {
    const entry = sessionAuditEntry("cobrowse.end", { room: "r1", site: "bank", reason });
    expect(auditEntrySchema.safeParse(entry).success).toBe(true);
    expect(entry.action).toBe(`cobrowse.end.${reason}`);
    const leave = sessionAuditEntry("cobrowse.leave", { room: "r1", site: "bank", agent: "a1", reason });
    expect(auditEntrySchema.safeParse(leave).success).toBe(true);
  });

  const endings: [string, (s: ReturnType<typeof activeSession>) => void][] = [
    ["visitor_ended", (s) => s.room.fromVisitor({ kind: "end" }, ORIGIN)],
    ["agent_left", (s) => s.room.fromAgent(s.seat, { kind: "leave" })],
    ["agent_away", (s) => (s.room.fromAgent(s.seat, { kind: "presence", visible: false }), s.clock.advance(1_000))],
    ["session_limit", (s) => s.clock.advance(60_000)],
    ["visitor_gone", (s) => s.room.end("visitor_gone")],
    ["server_shutdown", (s) => s.room.end("server_shutdown")],
  ];
  it.each(endings)("a room ended by %s audits exactly one end with that reason", (reason, endIt) => {
    const s = activeSession();
    endIt(s);
    expect(s.room.state).toBe("ended");
    expect(s.events.filter((e) => e.event === "cobrowse.end")).toEqual([{ event: "cobrowse.end", reason }]);
    expect(s.visitor.last("state")).toMatchObject({ state: "ended", reason });
  });
});
