// Where the relay's CPU goes per recorded frame (bench/fixtures/relay-frames.json), in one
// process and without sockets, next to references measured on the same added subtrees:
// sanitize-html alone (the shipped allowlist's tags, every attribute kept, no Airlock hooks: no
// URL rewriting, CSS, masking or node bookkeeping), sanitize-html keeping nothing at all (what it
// costs before it emits anything) and htmlparser2's tokenizer alone.
// `bin/airlock bench relay` measures the relay against a bare forwarder over real sockets; this
// explains its figure. Every figure is CPU microseconds per recorded frame (snapshots excluded),
// after one untimed warm-up pass.
//
// Run: node bench/relay/cost.mjs [--repeats N]   (sessions per recording, default 20)

import path from "node:path";
import { Tokenizer } from "htmlparser2";
import sanitizeHtml from "sanitize-html";
import { loadFixture, type RecordedSession } from "../../src/bench/relay-frames.js";
import { PolicyEngine } from "../../src/policy/engine.js";
import { parseFrame } from "../../src/protocol/frame.js";
import { visitorMessage, type VisitorMessage } from "../../src/protocol/visitor-messages.js";
import type { Peer } from "../../src/relay/peer.js";
import type { CobrowseSession } from "../../src/relay/cobrowse-session.js";
import { AssetUrlSigner } from "../../src/relay/sanitizer/asset-url.js";
import { allowlistFromSanitizePolicy } from "../../src/relay/sanitizer/policy-allowlist.js";
import { Sanitizer } from "../../src/relay/sanitizer/sanitizer.js";
import { benchSession } from "../../src/bench/relay-session.js";
import { discardAllOptions, keepAsIsOptions } from "../../src/bench/sanitize-html-reference.js";

const repeatsAt = process.argv.indexOf("--repeats");
const repeats = repeatsAt > 0 ? Number(process.argv[repeatsAt + 1]) : 20;
if (!Number.isInteger(repeats) || repeats < 1 || repeats > 200) throw new Error("--repeats takes a number from 1 to 200");

// Paths from this folder: the bundle that runs this file lives elsewhere.
const fixture = loadFixture(path.join(import.meta.dirname, "../fixtures/relay-frames.json"));
const policy = PolicyEngine.load({ shippedDir: path.join(import.meta.dirname, "../../policies"), mode: "dev" });
const allowlist = allowlistFromSanitizePolicy(policy.policy.sanitize);
const site = { id: "demo", origins: [fixture.origin] };

/** The relay's sanitizer, timing its calls for added subtrees (wall clock, same thread). */
class TimedSanitizer extends Sanitizer {
  addNanos = 0n;
  override html(...args: Parameters<Sanitizer["html"]>): ReturnType<Sanitizer["html"]> {
    const start = process.hrtime.bigint();
    try {
      return super.html(...args);
    } finally {
      if (args[2].parent !== 0) this.addNanos += process.hrtime.bigint() - start;
    }
  }
}
const sanitizer = new TimedSanitizer({
  allowlist,
  signer: new AssetUrlSigner("http://127.0.0.1:8080"),
  site,
  maskSelectors: policy.policy.sites.sites.demo?.maskingSelectors ?? [],
});

const quiet: Peer = { send: () => undefined, bufferedAmount: () => 0, close: () => undefined };
const visitor: Peer = { ...quiet, send: (frame) => void (pending = (JSON.parse(frame) as { request?: string }).request ?? pending) };
let pending: string | undefined;

/** A session with its agent joined and view consent given, as in the bench server. */
function watchedSession(): CobrowseSession {
  const session = benchSession(site, sanitizer, policy);
  session.attachVisitor(visitor);
  const seat = session.seatFor(quiet, { subject: "bench-agent", displayName: "Bench", roles: ["agent"], mfa: true, sourceAddress: "127.0.0.1" });
  session.fromAgent(seat, { kind: "join", versions: [1], room: session.id, mode: "view" });
  session.fromVisitor({ kind: "consent", request: pending ?? "", answer: "granted", mode: "view" }, fixture.origin);
  return session;
}

const cpuMicros = (fn: () => void): number => {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return used.user + used.system;
};

const sessions = Array.from({ length: fixture.sessions.length * repeats }, (_, i) => fixture.sessions[i % fixture.sessions.length] as RecordedSession);
const texts = sessions.map((s) => s.frames.map((f) => JSON.stringify(f)));
const frames = texts.reduce((n, t) => n + t.length - 1, 0);
const adds = sessions.flatMap((s) => s.frames.flatMap((f) => (f.kind === "mutations" ? (f as { ops: { op: string; html?: string }[] }).ops : [])).flatMap((op) => (op.op === "add" && op.html !== undefined ? [op.html] : [])));

function relayPass(): { parse: number; room: number; addShare: number; errors: number } {
  const sessions = texts.map((t) => {
    const session = watchedSession();
    const snapshot = parseFrame(t[0] as string, visitorMessage);
    if (snapshot.ok) session.fromVisitor(snapshot.message, fixture.origin);
    return session;
  });
  const parsed: VisitorMessage[][] = [];
  const parse = cpuMicros(() => {
    for (const t of texts) parsed.push(t.slice(1).flatMap((text) => { const p = parseFrame(text, visitorMessage); return p.ok ? [p.message] : []; }));
  });
  let errors = frames - parsed.reduce((n, p) => n + p.length, 0);
  sanitizer.addNanos = 0n;
  const wallStart = process.hrtime.bigint();
  const cobrowseSession = cpuMicros(() => {
    parsed.forEach((messages, i) => {
      for (const m of messages) if (sessions[i]?.fromVisitor(m, fixture.origin)) errors++;
    });
  });
  const addShare = Number(sanitizer.addNanos) / Number(process.hrtime.bigint() - wallStart);
  for (const r of sessions) r.end("visitor_gone");
  return { parse, room: cobrowseSession, addShare, errors };
}

const tokenizerCallbacks = Object.fromEntries(
  ["onattribdata", "onattribentity", "onattribend", "onattribname", "oncdata", "onclosetag", "oncomment", "ondeclaration", "onend", "onopentagend", "onopentagname", "onprocessinginstruction", "onselfclosingtag", "ontext", "ontextentity"].map((k) => [k, () => undefined]),
) as unknown as ConstructorParameters<typeof Tokenizer>[1];
// The relay hands sanitize-html the allowlist's tags and decides attributes itself (sanitize-html's
// own attribute matching is slower), so the reference keeps every attribute as it is.
const keepAttributes = keepAsIsOptions(allowlist);
const floors = {
  sanitize_html_alone_us: () => adds.forEach((h) => sanitizeHtml(h, keepAttributes)),
  sanitize_html_discard_all_us: () => adds.forEach((h) => sanitizeHtml(h, discardAllOptions)),
  tokenize_only_us: () =>
    adds.forEach((h) => {
      const t = new Tokenizer({ decodeEntities: true }, tokenizerCallbacks);
      t.write(h);
      t.end();
    }),
};

relayPass(); // warm-up
const run = relayPass();
const perFrame = (micros: number) => Math.round((micros / frames) * 10) / 10;
const floorFigures = Object.fromEntries(
  Object.entries(floors).map(([name, fn]) => {
    fn(); // warm-up
    return [name, perFrame(cpuMicros(fn))];
  }),
);
console.log(
  JSON.stringify(
    {
      frames,
      added_subtrees: adds.length / repeats,
      frame_errors: run.errors,
      frame_parse_us: perFrame(run.parse),
      room_us: perFrame(run.room),
      room_sanitizing_adds_share: Math.round(run.addShare * 100) / 100,
      ...floorFigures,
    },
    null,
    2,
  ),
);
