import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { isAction } from "../policy/actions.js";
import { PolicyEngine } from "../policy/engine.js";
import { PolicyError } from "../policy/errors.js";
import { shippedPolicyDir } from "../policy/load.js";
import { ruleSource } from "../policy/rule-source.js";
import { CANVAS_LIMITS } from "../protocol/canvas.js";
import { parseFrame } from "../protocol/frame.js";
import { visitorMessage, type VisitorMessage } from "../protocol/visitor-messages.js";
import { inspectCanvasImage } from "./canvas-image.js";
import type { Clock } from "./clock.js";
import { CobrowseSession } from "./cobrowse-session.js";
import { AssetUrlSigner } from "./sanitizer/asset-url.js";
import { readAllowlist } from "./sanitizer/policy-allowlist.js";
import { Sanitizer } from "./sanitizer/sanitizer.js";
import { png } from "../../test/helpers/images.js";
import { RecordingPeer } from "../../test/helpers/recording-peer.js";

// The relay's side of canvas images, on a real session with the real policy engine: refused with a
// specific code when the policy is off, for nodes that are unknown, masked or no canvas, for
// images over the policy's size, whose bytes are not the declared type, that would decode to a
// pixel flood, that come faster than the interval or for too many canvases; the latest image
// reaches agents and late joiners, and is gone with the next snapshot and with the session.

// ---- images built byte by byte (the relay reads headers only; Chromium makes real ones elsewhere)

function jpeg(width: number, height: number): Buffer {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 0xff, width >> 8, width & 0xff, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
  const app0 = Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const sos = Buffer.from([0xff, 0xda, 0x00, 0x0c, 0x03, 1, 0, 2, 0x11, 3, 0x11, 0x00, 0x3f, 0x00, 0x12, 0x34]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), app0, sof, sos, Buffer.from([0xff, 0xd9])]);
}

function webpLossless(width: number, height: number): Buffer {
  const bits = Buffer.alloc(4);
  bits.writeUInt32LE(((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14));
  const payload = Buffer.concat([Buffer.from([0x2f]), bits, Buffer.alloc(5)]);
  const chunkSize = Buffer.alloc(4);
  chunkSize.writeUInt32LE(payload.length);
  const body = Buffer.concat([Buffer.from("WEBP"), Buffer.from("VP8L"), chunkSize, payload]);
  const riffSize = Buffer.alloc(4);
  riffSize.writeUInt32LE(body.length);
  return Buffer.concat([Buffer.from("RIFF"), riffSize, body]);
}

const dataUrl = (type: string, bytes: Buffer) => `data:${type};base64,${bytes.toString("base64")}`;

// ---- a session on the real policy engine -----------------------------------------------------


class ManualClock implements Clock {
  t = 0;
  now = () => this.t;
  setTimeout = () => ({});
  clearTimeout = () => undefined;
}

const ORIGIN = "https://bank.example";
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The shipped policy with the demo site at ORIGIN and, when given, the shipped canvas rule replaced. */
function engine(canvasRule?: string): PolicyEngine {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-canvas-policy-"));
  dirs.push(dir);
  const sites = readFileSync(path.join(shippedPolicyDir, "sites.yaml"), "utf8").replace(/origins: \[http:\/\/127\.0\.0\.1:8080, http:\/\/localhost:8080\]/, `origins: [${ORIGIN}]`);
  writeFileSync(path.join(dir, "sites.yaml"), sites);
  if (canvasRule !== undefined) {
    const cobrowse = readFileSync(path.join(shippedPolicyDir, "cobrowse.yaml"), "utf8");
    writeFileSync(path.join(dir, "cobrowse.yaml"), cobrowse.replace(/^canvas: .*$/m, canvasRule));
  }
  return PolicyEngine.load({ shippedDir: shippedPolicyDir, overrideDir: dir, mode: "dev" });
}

const ENABLED = "canvas: { enabled: true, intervalMs: 1000, maxBytes: 4096, asvs: [V5.2.2] }";

const page = [
  `<body data-airlock-id="1">`,
  `<canvas data-airlock-id="2" width="40" height="20"></canvas>`,
  `<canvas class="cobrowsing_nosync" data-airlock-id="3" width="40" height="20"></canvas>`,
  `<div data-airlock-id="4" data-airlock-masked="" style="width:40px;height:20px"></div>`,
  `<p data-airlock-id="5">text</p>`,
  ...Array.from({ length: 20 }, (_, i) => `<canvas data-airlock-id="${100 + i}" width="8" height="8"></canvas>`),
  `</body>`,
].join("");

function activeSession(policy: PolicyEngine) {
  const clock = new ManualClock();
  const site = { id: "demo", origins: [ORIGIN] };
  const { canvas } = policy.policy.cobrowse;
  const session = new CobrowseSession({
    site,
    sanitizer: new Sanitizer({ allowlist: readAllowlist(shippedPolicyDir), signer: new AssetUrlSigner("http://127.0.0.1:8080"), site, maskSelectors: [] }),
    decide: (action, context) => (isAction(action) ? policy.decide(action, context) : { allow: false, reason: "unknown" }),
    clock,
    inactivityMs: 120_000,
    maskInputValues: true,
    canvas: { intervalMs: canvas.intervalMs, maxBytes: canvas.maxBytes },
    audit: () => undefined,
    onEnded: () => undefined,
  });
  const visitor = new RecordingPeer();
  session.attachVisitor(visitor);
  const agent = new RecordingPeer();
  const principal = { subject: "a1", displayName: "Ann", roles: ["agent" as const], mfa: true, sourceAddress: "127.0.0.1" };
  const seat = session.seatFor(agent, principal);
  session.fromAgent(seat, { kind: "join", versions: [1], room: session.id, mode: "view" });
  const ask = visitor.all("consent-request").at(-1) as { request: string };
  const send = (m: VisitorMessage) => session.fromVisitor(m, ORIGIN);
  expect(send({ kind: "consent", request: ask.request, answer: "granted", mode: "view" })).toBeUndefined();
  expect(send({ kind: "snapshot", seq: 1, url: `${ORIGIN}/chart`, html: page, viewport: { width: 800, height: 600 } })).toBeUndefined();
  // Each further watcher sees the page once the visitor lets them in by name.
  const lateAgent = () => {
    const peer = new RecordingPeer();
    expect(session.fromAgent(session.seatFor(peer, { ...principal, subject: "s1", roles: ["supervisor"] }), { kind: "join", versions: [1], room: session.id, mode: "view" })).toBeUndefined();
    const asked = visitor.all("consent-request").at(-1) as { request: string };
    expect(send({ kind: "consent", request: asked.request, answer: "granted", mode: "view" })).toBeUndefined();
    return peer;
  };
  return { room: session, clock, agent, send, lateAgent };
}

const image = (id: number, url: string): VisitorMessage => ({ kind: "canvas", id, image: url });
const smallPng = dataUrl("image/png", png(40, 20));

describe("canvas images at the relay", () => {
  it("refuses every canvas image with not_allowed while the shipped policy leaves canvas images off", () => {
    const policy = engine();
    expect(policy.policy.cobrowse.canvas.enabled).toBe(false);
    const s = activeSession(policy);
    expect(s.send(image(2, smallPng))).toMatchObject({ code: "not_allowed" });
    expect(s.agent.all("canvas")).toEqual([]);
    const explained = policy.explain("visitor:share-canvas", { actor: "visitor", siteId: "demo", origin: ORIGIN, visitorConsent: { view: true } });
    expect(explained.decision).toMatchObject({ allow: false, rule: "cobrowse.canvas" });
    expect(ruleSource(policy.policy, "cobrowse.canvas")).toMatchObject({ file: "cobrowse.yaml", field: "canvas" });
  });

  it("forwards a checked image of a known canvas to the agent once the policy enables canvas images", () => {
    const s = activeSession(engine(ENABLED));
    expect(s.send(image(2, smallPng))).toBeUndefined();
    expect(s.agent.all("canvas")).toEqual([{ kind: "canvas", id: 2, image: smallPng }]);
    for (const [type, bytes] of [["image/jpeg", jpeg(40, 20)], ["image/webp", webpLossless(40, 20)]] as const) {
      s.clock.t += 1000;
      expect(s.send(image(2, dataUrl(type, bytes))), type).toBeUndefined();
    }
    expect(s.agent.all("canvas")).toHaveLength(3);
  });

  it("refuses unknown, masked and non-canvas nodes with their codes", () => {
    const s = activeSession(engine(ENABLED));
    expect(s.send(image(999, smallPng))).toMatchObject({ code: "unknown_node" });
    expect(s.send(image(3, smallPng))).toMatchObject({ code: "node_masked" });
    expect(s.send(image(4, smallPng))).toMatchObject({ code: "node_masked" });
    expect(s.send(image(5, smallPng))).toMatchObject({ code: "not_allowed" });
    expect(s.agent.all("canvas")).toEqual([]);
  });

  it("refuses an image over the policy's size with value_too_long", () => {
    const s = activeSession(engine(ENABLED));
    const big = png(40, 20, 4096);
    expect(big.length).toBeGreaterThan(4096);
    expect(s.send(image(2, dataUrl("image/png", big)))).toMatchObject({ code: "value_too_long" });
    expect(s.agent.all("canvas")).toEqual([]);
  });

  it("refuses bytes that are not the declared image type, and pixel floods, with bad_image", () => {
    const s = activeSession(engine(ENABLED));
    const truncatedPng = png(40, 20).subarray(0, 60);
    const cases: [string, Buffer][] = [
      ["image/png", jpeg(40, 20)],
      ["image/jpeg", png(40, 20)],
      ["image/webp", png(40, 20)],
      ["image/png", Buffer.from("<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".padEnd(80))],
      ["image/png", truncatedPng],
      ["image/png", png(20_000, 20_000)],
      ["image/png", png(4097, 4097)],
      ["image/jpeg", jpeg(0, 20)],
      ["image/webp", webpLossless(8192, 8192).subarray(0, 20)],
    ];
    for (const [type, bytes] of cases) expect(s.send(image(2, dataUrl(type, bytes))), `${type} ${bytes.subarray(0, 8).toString("hex")}`).toMatchObject({ code: "bad_image" });
    expect(s.agent.all("canvas")).toEqual([]);
  });

  it("refuses anything but a PNG, JPEG or WebP base64 data URL at the frame schema", () => {
    const frame = (img: string) => parseFrame(JSON.stringify({ kind: "canvas", id: 2, image: img }), visitorMessage);
    expect(frame(smallPng).ok).toBe(true);
    const refused = [
      `data:image/svg+xml;base64,${Buffer.from("<svg/>").toString("base64")}`,
      `data:image/png,${"%89PNG"}`,
      `data:text/html;base64,${Buffer.from("<script>").toString("base64")}`,
      "https://tracker.example/pixel.png",
      `${smallPng}"onerror="x`,
      "data:image/png;base64,QUJ", // base64 without its padding
    ];
    for (const img of refused) expect(frame(img), img.slice(0, 40)).toMatchObject({ ok: false, code: "bad_frame" });
    const tooLong = `data:image/png;base64,${"A".repeat(Math.ceil(CANVAS_LIMITS.maxImageBytes / 3) * 4 + 4)}`;
    expect(frame(tooLong)).toMatchObject({ ok: false, code: "value_too_long" });
  });

  it("takes a canvas's next image no sooner than half the policy interval, and at most 16 canvases", () => {
    const s = activeSession(engine(ENABLED));
    expect(s.send(image(2, smallPng))).toBeUndefined();
    s.clock.t += 400;
    expect(s.send(image(2, smallPng))).toMatchObject({ code: "rate_limited" });
    s.clock.t += 100;
    expect(s.send(image(2, smallPng))).toBeUndefined();
    const tiny = dataUrl("image/png", png(8, 8));
    for (let i = 0; i < CANVAS_LIMITS.maxCanvases - 1; i++) expect(s.send(image(100 + i, tiny))).toBeUndefined();
    expect(s.send(image(100 + CANVAS_LIMITS.maxCanvases, tiny))).toMatchObject({ code: "too_many_nodes" });
    // A canvas that left the page frees its place.
    expect(s.send({ kind: "mutations", seq: 2, ops: [{ op: "remove", id: 100 }] })).toBeUndefined();
    expect(s.send(image(100 + CANVAS_LIMITS.maxCanvases, tiny))).toBeUndefined();
  });

  it("gives a late joiner the latest image of each canvas still on the page, and forgets them with the next snapshot and the room", () => {
    const s = activeSession(engine(ENABLED));
    const first = dataUrl("image/png", png(40, 20));
    const second = dataUrl("image/png", png(40, 21));
    expect(s.send(image(2, first))).toBeUndefined();
    s.clock.t += 1000;
    expect(s.send(image(2, second))).toBeUndefined();
    expect(s.send(image(100, dataUrl("image/png", png(8, 8))))).toBeUndefined();
    expect(s.send({ kind: "mutations", seq: 2, ops: [{ op: "remove", id: 100 }] })).toBeUndefined();
    const late = s.lateAgent();
    expect(late.frames.map((f) => f.kind)).toContain("snapshot");
    expect(late.all("canvas")).toEqual([{ kind: "canvas", id: 2, image: second }]);
    const withImages = s.room.retainedBytes();

    expect(s.send({ kind: "snapshot", seq: 3, url: `${ORIGIN}/chart`, html: page, viewport: { width: 800, height: 600 } })).toBeUndefined();
    expect(s.room.retainedBytes()).toBeLessThan(withImages - second.length);
    expect(s.lateAgent().all("canvas")).toEqual([]);
    expect(s.send(image(2, first))).toBeUndefined();
    s.room.end("visitor_ended");
    expect(s.room.retainedBytes()).toBe(0);
  });

  it("refuses to start with a canvas rule outside its limits, naming the file and field", () => {
    expect(() => engine("canvas: { enabled: true, intervalMs: 10, maxBytes: 4096, asvs: [V5.2.2] }")).toThrow(PolicyError);
    expect(() => engine("canvas: { enabled: true, intervalMs: 1000, maxBytes: 99999999, asvs: [V5.2.2] }")).toThrow(/cobrowse\.yaml[\s\S]*canvas\.maxBytes/);
    expect(() => engine("canvas: { enabled: true, intervalMs: 1000, maxBytes: 4096, asvs: [] }")).toThrow(PolicyError);
  });

  it("reads real header sizes of each type", () => {
    expect(inspectCanvasImage("image/png", png(640, 320))).toEqual({ ok: true, width: 640, height: 320 });
    expect(inspectCanvasImage("image/jpeg", jpeg(641, 321))).toEqual({ ok: true, width: 641, height: 321 });
    expect(inspectCanvasImage("image/webp", webpLossless(642, 322))).toEqual({ ok: true, width: 642, height: 322 });
  });
});
