import { LIMITS } from "../../protocol/limits.js";
import type { MutationOp, VisitorMessage } from "../../protocol/visitor-messages.js";
import { guard } from "../safe.js";
import { NodeMirror } from "./mirror.js";
import { MutationCapture } from "./mutations.js";
import { PageEvents, coalesceKey, type PageEvent } from "./page-events.js";
import type { PrivacyRules } from "./privacy.js";
import { Serializer } from "./serialize.js";

// Captures the page while an agent watches: one snapshot, then coalesced mutations and page
// events, sent at most every `flushMs` (throttled at the source: a pointer moving for a second
// costs at most 1000/flushMs messages). Nothing is observed or sent while stopped.

export type CaptureMessage = Extract<VisitorMessage, { kind: "snapshot" | "mutations" | PageEvent["kind"] }>;

const SHEET_BEAT_MS = 500;

export interface RecorderOptions {
  readonly flushMs?: number;
}

export class Recorder {
  readonly mirror = new NodeMirror();
  readonly #serializer: Serializer;
  readonly #mutations: MutationCapture;
  readonly #events: PageEvents;
  readonly #flushMs: number;
  #pendingEvents = new Map<string, PageEvent>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #sheetBeat: ReturnType<typeof setInterval> | undefined;
  #seq = 0;
  #running = false;

  constructor(
    private readonly win: Window,
    rules: PrivacyRules,
    private readonly send: (msg: CaptureMessage) => void,
    options: RecorderOptions = {},
  ) {
    this.#flushMs = options.flushMs ?? 100;
    this.#serializer = new Serializer(this.mirror, rules);
    this.#mutations = new MutationCapture(this.mirror, this.#serializer, rules, () => this.schedule());
    this.#serializer.onNewRoot = (root) => this.#running && this.#mutations.observe(root);
    this.#events = new PageEvents(win, this.mirror, rules, (e) => {
      this.#pendingEvents.delete(coalesceKey(e));
      this.#pendingEvents.set(coalesceKey(e), e);
      this.schedule();
    });
  }

  get running(): boolean {
    return this.#running;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#mutations.observe(this.win.document);
    this.#events.start();
    this.snapshot();
    // CSSOM changes raise no mutation: look for them on a slow beat (cheap: rule counts only).
    this.#sheetBeat = setInterval(guard(() => this.schedule()), SHEET_BEAT_MS);
  }

  stop(): void {
    this.#running = false;
    this.#mutations.disconnect();
    this.#events.stop();
    this.#pendingEvents.clear();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#sheetBeat !== undefined) clearInterval(this.#sheetBeat);
    this.#sheetBeat = undefined;
  }

  /** A full snapshot (at start, and whenever the relay asks for one again). */
  snapshot(): void {
    if (!this.#running) return;
    const doc = this.win.document;
    this.#mutations.flush(doc); // what the snapshot already contains must not be sent again
    this.#serializer.refresh(doc);
    this.#serializer.sheets.reset();
    const html = this.#serializer.element(doc.documentElement, 0, Serializer.budget());
    if (html.length > LIMITS.maxFrameBytes - 64 * 1024) return;
    const vp = this.#events.viewport();
    if (vp.kind !== "viewport") return;
    this.send({ kind: "snapshot", seq: this.#seq++, url: this.win.location.href, html, viewport: vp.viewport, scroll: this.#events.documentScroll() });
    this.#events.current();
  }

  /** Sends everything pending now (also used before a navigation). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#running) return;
    const ops = this.#mutations.flush(this.win.document).concat(this.#serializer.sheets.changes());
    for (const batch of batches(ops)) this.send({ kind: "mutations", seq: this.#seq++, ops: batch });
    const events = [...this.#pendingEvents.values()];
    this.#pendingEvents.clear();
    for (const e of events) this.send(e);
  }

  private schedule(): void {
    if (this.#timer !== undefined || !this.#running) return;
    this.#timer = setTimeout(guard(() => this.flush()), this.#flushMs);
  }
}

/** Splits ops so no batch exceeds the op count or about a quarter of the frame limit. */
function batches(ops: MutationOp[]): MutationOp[][] {
  const out: MutationOp[][] = [];
  let current: MutationOp[] = [];
  let size = 0;
  for (const op of ops) {
    const opSize = "html" in op ? op.html.length : "value" in op && op.value ? op.value.length : 16;
    if (current.length > 0 && (current.length >= LIMITS.maxOpsPerBatch || size + opSize > LIMITS.maxFrameBytes / 4)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(op);
    size += opSize;
  }
  if (current.length > 0) out.push(current);
  return out;
}
