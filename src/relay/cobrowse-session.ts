import { randomBytes } from "node:crypto";
import type { AgentMessage } from "../protocol/agent-messages.js";
import type { CanvasSettings } from "../protocol/canvas.js";
import { NORMAL_CLOSE, type EndReason } from "../protocol/error-codes.js";
import type { CobrowseMode } from "../protocol/fields.js";
import type { MaskedFieldEdit } from "../protocol/mask.js";
import { NODE_ID_ATTRIBUTE } from "../protocol/node-id.js";
import type { EndingSoon, MovedToAgent, PageEventToAgent, SanitizedOp, ServerToAgent, ServerToVisitor, StateMessage } from "../protocol/server-messages.js";
import type { MutationOp, VisitorMessage } from "../protocol/visitor-messages.js";
import { negotiateVersion } from "../protocol/version.js";
import type { AgentSessionAction, Watcher } from "../protocol/watchers.js";
import { agentPolicyContext } from "../policy/agent-context.js";
import { AgentSeat } from "./agent-seat.js";
import { ConsentAsks } from "./consent-asks.js";
import { ConsentPause } from "./consent-pause.js";
import { CanvasImages } from "./canvas-store.js";
import { runChecks, type CobrowseSessionFacts } from "./checks/check.js";
import { notOpened } from "./checks/opening.js";
import { opTargetKnown } from "./checks/nodes.js";
import type { Clock } from "./clock.js";
import { ControlAudit, type ControlAuditEntry } from "./control-audit.js";
import { fail, type Failure } from "./failure.js";
import { GuideAudit, type GuideAuditEntry } from "./guide-audit.js";
import { maskedAttributeChange, maskedInput, maskedTextChange, valueMasked } from "./masked-values.js";
import { agentChecks, visitorChecks } from "./message-table.js";
import { LatestPageState } from "./page-state.js";
import type { AgentPrincipal, Peer } from "./peer.js";
import { FragmentLimitError } from "./sanitizer/html.js";
import type { Sanitizer } from "./sanitizer/sanitizer.js";
import { ShadowIndex } from "./shadow-index.js";
import { markUntargetable, markUntargetableAttribute } from "./untargetable.js";
import type { SharedSession } from "./visits/shared-visit.js";
import { restoredSeat } from "./visits/restored-seat.js";

/** The policy engine as the relay uses it (PolicyEngine.decide fits). */
export type DecideFn = (action: string, context: Record<string, unknown>) => { allow: boolean; reason: string };
/**
 * Metadata-only audit events (never page content). `cobrowse.join`/`cobrowse.leave` are an agent's
 * seat; `cobrowse.watcher` (`change` join or leave, `reason` on leave) is an agent the visitor let
 * watch; `cobrowse.consent` carries `agent` (the agent the question named), `mode` and `step`
 * (asked, given, declined, revoked).
 */
export type CobrowseSessionAudit = (
  event:
    | "cobrowse.start"
    | "cobrowse.join"
    | "cobrowse.leave"
    | "cobrowse.mode"
    | "cobrowse.end"
    | "cobrowse.control"
    | "cobrowse.control.refused"
    | "cobrowse.control.throttled"
    | "cobrowse.watcher"
    | "cobrowse.consent"
    | "cobrowse.takeover"
    | "cobrowse.guide"
    | "cobrowse.guide.throttled",
  meta: Record<string, string | number>,
) => void;

export interface CobrowseSessionOptions {
  readonly site: { readonly id: string; readonly origins: readonly string[] };
  readonly sanitizer: Sanitizer;
  readonly decide: DecideFn;
  readonly clock: Clock;
  /**
   * How long an agent may be away — its viewer hidden or disconnected — before its seat ends
   * (policy cobrowse.agentInactivity). Watching is presence: clicks and typing do not count.
   */
  readonly inactivityMs: number;
  /** The longest a session may run once the visitor shares (policy cobrowse.maxSession); none when absent. */
  readonly maxSessionMs?: number;
  readonly maskInputValues: boolean;
  /** Policy cobrowse.maskedFields: agents may replace a masked field's whole value, or never edit it. */
  readonly maskedFieldEdit?: MaskedFieldEdit;
  readonly audit: CobrowseSessionAudit;
  readonly onEnded: (session: CobrowseSession) => void;
  /** An agent left the session (leave, away too long, session over); its connection may join again. */
  readonly onAgentRemoved?: (seat: AgentSeat, reason: EndReason) => void;
  /** Socket backlog above which an agent is treated as slow. */
  readonly maxBufferedBytes?: number;
  /** Mutation operations kept after the snapshot for late joiners before a new snapshot is requested. */
  readonly maxCatchUpOps?: number;
  /** Canvas image limits (policy cobrowse.canvas); whether images are allowed is a policy decision. */
  readonly canvas?: CanvasSettings;
  /** The room's id when the visit reserved one for its next co-browse session; random otherwise. */
  readonly id?: string;
  /** Policy additionalWatchers.consentRequired: each agent after the first needs the visitor's yes (default true). */
  readonly additionalWatchersConsent?: boolean;
  /** The visit's memory of the visitor's "no" (policy consentPause); a session of its own by default. */
  readonly consentPause?: ConsentPause;
  /** The session's consent facts, when this server process takes it over from one that stopped. */
  readonly restore?: SharedSession;
  /**
   * After a takeover: the modes of the questions each agent (by IdP subject) had asked that were
   * withdrawn; the agent learns it when it rejoins (and the entry goes).
   */
  readonly withdrawnAsks?: Map<string, CobrowseMode[]>;
  /** Its consent facts changed (state, mode, watchers): the shared visit store is updated. */
  readonly onChanged?: () => void;
}

const CANVAS_DEFAULTS: CanvasSettings = { intervalMs: 1000, maxBytes: 262_144 };
/** How long before policy maxSession both sides are warned (at most half the session). */
export const SESSION_LIMIT_WARNING_MS = 5 * 60_000;

/**
 * One visitor's co-browse session. Holds, in memory only, the shadow index and the latest
 * sanitized snapshot with the sanitized mutations since, so a late or slow agent can be brought
 * up to date at once. Everything is released when the session ends.
 */
export class CobrowseSession implements CobrowseSessionFacts {
  readonly id: string;
  state: "waiting" | "active" | "ended" = "waiting";
  mode: CobrowseMode = "view";
  readonly granted = { view: false, control: false };
  index = new ShadowIndex();
  visitor: Peer | undefined;
  readonly seats = new Set<AgentSeat>();
  #snapshot: string | undefined;
  #since: string[] = [];
  #sinceOps = 0;
  #baseUrl: string | undefined;
  #endReason: EndReason | undefined;
  /** Questions for the visitor, asked one at a time, each naming the agent it is for. */
  readonly #asks = new ConsentAsks();
  readonly #pause: ConsentPause;
  /** Re-send agents their actions when a pause after the visitor's "no" is over, per mode. */
  readonly #pauseTimers = new Map<CobrowseMode, unknown>();
  readonly #canvases: CanvasImages;
  /** When the session reaches policy maxSession (session clock), once the visitor shares. */
  #limitAt: number | undefined;
  #limitWarned = false;
  readonly #limitTimers: unknown[] = [];
  /** Scroll, values, focus since the snapshot, for agents who join late (memory only). */
  readonly #page = new LatestPageState();
  readonly #controlAudit: ControlAudit;
  readonly #guideAudit: GuideAudit;
  /** Freehand strokes and whether an element is outlined on the visitor's page now (counts only, never points). */
  #strokes = 0;
  #outlined = false;

  constructor(readonly options: CobrowseSessionOptions) {
    this.id = options.id ?? randomBytes(16).toString("base64url");
    this.#canvases = new CanvasImages(this.canvas.intervalMs);
    this.#controlAudit = new ControlAudit(options.clock, (entry) => this.#auditControl(entry));
    this.#guideAudit = new GuideAudit(options.clock, (entry) => this.#auditGuide(entry));
    this.#pause = options.consentPause ?? new ConsentPause(60_000);
    if (options.restore) this.#restore(options.restore);
  }

  /**
   * Taken over from a server process that stopped: the visitor's consent holds. Each watcher the
   * visitor let in keeps a seat, away (as after a lost connection), that the same agent takes back
   * on rejoining without a new question; the page arrives with the visitor's fresh snapshot.
   */
  #restore(restored: SharedSession): void {
    this.state = restored.state;
    this.mode = restored.mode;
    this.granted.view = restored.granted.view;
    this.granted.control = restored.granted.control;
    for (const watcher of restored.watchers) {
      const seat = restoredSeat(watcher, this.options.clock.now());
      this.seats.add(seat);
      this.#updateAway(seat);
    }
    if (this.state === "active") this.#scheduleSessionLimit(restored.limitAt === undefined ? undefined : restored.limitAt - Date.now());
    // A "no" the visitor said before the takeover still holds: agents get their actions back when it is over.
    for (const mode of ["view", "control"] as const) {
      const left = this.askPausedMs(mode);
      if (left > 0) this.#refreshAfter(mode, left);
    }
  }

  /** The consent facts another server process needs to continue this session (no page content). */
  sharedState(): SharedSession | undefined {
    if (this.state === "ended") return undefined;
    const watchers = [...this.seats].filter((s) => s.admitted).map((s) => ({ subject: s.principal.subject, displayName: s.principal.displayName, roles: [...s.principal.roles], controlling: s.controlling }));
    const limitAt = this.#limitAt === undefined ? undefined : Date.now() + (this.#limitAt - this.options.clock.now());
    const asks = this.#asks.all().map((a) => ({ request: a.request, mode: a.mode, subject: a.seat.principal.subject }));
    return {
      state: this.state,
      mode: this.mode,
      granted: { ...this.granted },
      watchers,
      ...(limitAt === undefined ? {} : { limitAt: Math.max(0, Math.round(limitAt)) }),
      ...(asks.length > 0 ? { asks } : {}),
    };
  }

  get maskedFieldEdit(): MaskedFieldEdit {
    return this.options.maskedFieldEdit ?? "replace";
  }

  /** Agents see this field's value masked: a secret field, a value sent masked, or policy masking (selects excepted). */
  valueMasked(id: number): boolean {
    return valueMasked(this.index, id, this.options.maskInputValues) || this.#page.inputMasked(id) === true;
  }

  /** The question the visitor is being asked now (a consent answer must answer it). */
  get pendingConsent(): { readonly request: string; readonly mode: CobrowseMode } | undefined {
    return this.#asks.head;
  }

  askPausedMs(mode: CobrowseMode): number {
    return this.#pause.remainingMs(mode, this.options.clock.now());
  }

  asking(seatId: string, mode?: CobrowseMode): boolean {
    const seat = this.#seatById(seatId);
    return seat !== undefined && this.#asks.has(seat, mode);
  }

  hasSeat(id: string): boolean {
    return this.#seatById(id) !== undefined;
  }

  #seatById(id: string): AgentSeat | undefined {
    for (const seat of this.seats) if (seat.id === id) return seat;
    return undefined;
  }

  get canvas(): CanvasSettings {
    return this.options.canvas ?? CANVAS_DEFAULTS;
  }

  get strokes(): number {
    return this.#strokes;
  }

  get hasSnapshot(): boolean {
    return this.#snapshot !== undefined;
  }
  get siteId(): string {
    return this.options.site.id;
  }
  get siteOrigins(): readonly string[] {
    return this.options.site.origins;
  }
  get agentCount(): number {
    return this.seats.size;
  }
  seatsBesidesReturning(subject: string): number {
    let n = 0;
    for (const seat of this.seats) if (!(seat.disconnected && seat.principal.subject === subject)) n++;
    return n;
  }

  /** Attaches the visitor's connection; after a resume it learns the state and any open question. */
  attachVisitor(peer: Peer): void {
    this.visitor = peer;
    if (this.seats.size > 0 || this.state !== "waiting") send(peer, this.#state());
    const ask = this.#asks.head;
    if (ask) send(peer, this.#question(ask));
    this.#repeatLimitWarning(peer);
  }

  /** The visitor's connection is gone (navigation or network); the session waits for a resume. */
  detachVisitor(peer: Peer): void {
    if (this.visitor === peer) this.visitor = undefined;
  }

  // ---- visitor side ----------------------------------------------------------------------

  fromVisitor(message: VisitorMessage, origin: string | undefined): Failure | undefined {
    // Openings never reach a room: Relay.openVisitor runs their rows, where a later one fails.
    if (message.kind === "hello" || message.kind === "resume") return notOpened({ opened: true });
    const decide = (action: string) => this.options.decide(action, { actor: "visitor", siteId: this.siteId, origin, visitorConsent: this.granted });
    const failure = runChecks(visitorChecks[message.kind], { room: this, message, decide });
    if (failure) return failure;
    switch (message.kind) {
      case "snapshot":
        return this.#snapshotFrom(message);
      case "mutations":
        return this.#mutationsFrom(message.seq, message.ops);
      case "input": {
        // A <select> choice travels (policy masking covers typed values) unless the select is a
        // secret field or marked private; what is masked is decided in masked-values.ts.
        const { masked, value } = maskedInput(this.index, message.id, message.value, message.masked, this.options.maskInputValues);
        this.#pageEvent({ kind: "input", id: message.id, masked, value });
        return undefined;
      }
      case "scroll":
        this.#pageEvent({ kind: "scroll", id: message.id, x: message.x, y: message.y });
        return undefined;
      case "viewport":
        this.#pageEvent({ kind: "viewport", viewport: message.viewport });
        return undefined;
      case "pointer":
        this.#pageEvent({ kind: "pointer", x: message.x, y: message.y });
        return undefined;
      case "focus":
        this.#pageEvent({ kind: "focus", id: message.id, ...(message.visible ? { visible: true } : {}) });
        return undefined;
      case "hover":
        this.#pageEvent({ kind: "hover", id: message.id });
        return undefined;
      case "navigation":
        this.#forgetPage();
        this.#toAgents({ kind: "navigation", url: message.url });
        return undefined;
      case "consent":
        return this.#consentFrom(message.answer);
      case "revoke":
        this.#revokeControl();
        return undefined;
      case "end":
        for (const seat of this.seats) if (seat.admitted) this.#auditConsent(seat, "view", "revoked");
        this.end("visitor_ended");
        return undefined;
      case "remove-watcher": {
        const seat = this.#seatById(message.watcher);
        if (!seat) return fail("wrong_state", "no such watcher in this session");
        // Sending someone away is a "no" to them: the question waits out the pause.
        if (seat.admitted) this.#auditConsent(seat, "view", "revoked");
        this.#saidNo("view");
        this.removeAgent(seat, "removed_by_visitor");
        return undefined;
      }
      case "clear-guides":
        this.#clearGuides("visitor");
        return undefined;
      case "control-refused": {
        const agent = this.#controlAudit.actorOf(message.id);
        if (agent) this.#controlAudit.note({ agent, type: message.type ?? "click", node: message.id, outcome: { by: "page", reason: message.reason } });
        this.#toAgents({ kind: "control-refused", id: message.id, reason: message.reason, ...(message.type ? { type: message.type } : {}) });
        return undefined;
      }
      case "canvas": {
        const kept = this.#canvases.put(this.index, message.id, message.image, this.options.clock.now());
        if ("code" in kept) return kept;
        for (const seat of this.seats) if (seat.admitted) this.#deliver(seat, kept.frame);
        return undefined;
      }
    }
  }

  #snapshotFrom(message: Extract<VisitorMessage, { kind: "snapshot" }>): Failure | undefined {
    const index = new ShadowIndex();
    let html: string;
    try {
      const out = this.options.sanitizer.html(message.html, message.url, { parent: 0, svg: false });
      index.add(out.nodes);
      markUntargetable(index, out);
      html = out.html;
    } catch (err) {
      return limitFailure(err);
    }
    this.#forgetPage();
    this.index = index;
    this.#baseUrl = message.url;
    this.#page.snapshotTaken(message.viewport, message.scroll);
    const frame: ServerToAgent = { kind: "snapshot", seq: message.seq, url: message.url, html, viewport: message.viewport, ...(message.scroll ? { scroll: message.scroll } : {}) };
    this.#snapshot = JSON.stringify(frame);
    for (const seat of this.seats) if (seat.admitted) this.#deliver(seat, this.#snapshot);
    return undefined;
  }

  #mutationsFrom(seq: number, ops: readonly MutationOp[]): Failure | undefined {
    const out: SanitizedOp[] = [];
    let failure: Failure | undefined;
    for (const op of ops) {
      failure = opTargetKnown(this.index, op) ?? this.#applyOp(op, out);
      if (failure) break;
    }
    if (out.length > 0) {
      const frame = JSON.stringify({ kind: "mutations", seq, ops: out } satisfies ServerToAgent);
      this.#since.push(frame);
      this.#sinceOps += out.length;
      if (this.#sinceOps > (this.options.maxCatchUpOps ?? 5_000)) this.#requestSnapshot();
      for (const seat of this.seats) if (seat.admitted) this.#deliver(seat, frame);
    }
    return failure;
  }

  #applyOp(op: MutationOp, out: SanitizedOp[]): Failure | undefined {
    const { sanitizer } = this.options;
    switch (op.op) {
      case "add": {
        const parent = this.index.get(op.parent);
        if (!parent || parent.tag === "style" || parent.tag === "textarea" || parent.tag === "title") return fail("bad_frame", "cannot add elements there");
        try {
          const at = { parent: op.parent, svg: parent.svg, ancestors: this.index.ancestorsOf(op.parent, true) };
          const frag = sanitizer.html(op.html, this.#baseUrl, at, (id) => this.index.has(id));
          this.index.add(frag.nodes);
          markUntargetable(this.index, frag);
          if (frag.html !== "") out.push({ op: "add", parent: op.parent, before: op.before, html: frag.html });
        } catch (err) {
          return limitFailure(err);
        }
        return undefined;
      }
      case "remove":
        // Already gone with an ancestor removed earlier (see opTargetKnown): nothing to do.
        if (!this.index.has(op.id)) return undefined;
        this.index.remove(op.id);
        out.push(op);
        return undefined;
      case "attr": {
        const node = this.index.get(op.id);
        const name = op.name.toLowerCase();
        if (!node || name === NODE_ID_ATTRIBUTE) return undefined;
        // A class, id or attribute change can make this element (nosync class, masking selector)
        // or elements below it (selectors with combinators) masked: agents lose them.
        const masked = sanitizer.newlyMasked(this.index, op.id, name, op.value);
        for (const id of masked) {
          this.index.mask(id);
          out.push({ op: "remove", id });
        }
        if (masked.includes(op.id)) return undefined;
        const sanitized = op.value === null ? null : (sanitizer.attribute(node.tag, name, op.value, node.svg, this.#baseUrl) ?? null);
        const value = maskedAttributeChange(this.index, op.id, name, sanitized, this.options.maskInputValues);
        markUntargetableAttribute(this.index, op.id, name, op.value);
        out.push({ op: "attr", id: op.id, name, value });
        return undefined;
      }
      case "text": {
        const node = this.index.get(op.id);
        if (!node) return undefined;
        const value = node.tag === "style" ? (node.svg ? "" : sanitizer.stylesheet(op.value, this.#baseUrl)) : maskedTextChange(this.index, op.id, op.value, this.options.maskInputValues);
        out.push({ op: "text", id: op.id, value });
        return undefined;
      }
    }
  }

  /** The visitor answered the question being asked now (`answersPendingRequest` checked it). */
  #consentFrom(answer: "granted" | "denied"): Failure | undefined {
    const ask = this.#asks.shift();
    if (!ask) return fail("wrong_state", "no consent request is pending");
    const { mode, seat } = ask;
    const yes = answer === "granted";
    this.#auditConsent(seat, mode, yes ? "given" : "declined");
    if (yes) {
      this.granted[mode] = true;
      if (mode === "view" && this.state === "waiting") {
        this.state = "active";
        this.options.audit("cobrowse.start", { room: this.id, site: this.siteId });
        this.#scheduleSessionLimit();
      }
    } else {
      this.#saidNo(mode);
    }
    send(seat.peer, { kind: "consent", answer, mode, ...(yes ? {} : { retryAfterMs: this.askPausedMs(mode) }) });
    if (yes && mode === "view") this.#admit(seat);
    // Control goes to the agent the question named, and to nobody else; a "no" leaves things as they are.
    if (mode === "control" && yes) {
      for (const other of this.seats) other.controlling = other === seat;
      this.#setMode("control");
    }
    this.#askAfterState(this.#askNext());
    return undefined;
  }

  /** The visitor takes control back: view goes on; asking for control again waits out the pause. */
  #revokeControl(): void {
    for (const seat of this.seats) {
      if (seat.controlling) this.#auditConsent(seat, "control", "revoked");
      seat.controlling = false;
    }
    if (this.granted.control) this.#saidNo("control");
    this.granted.control = false;
    this.#setMode("view");
  }

  // ---- agent side ------------------------------------------------------------------------

  seatFor(peer: Peer, principal: AgentPrincipal): AgentSeat {
    return new AgentSeat(peer, principal, this.options.clock.now());
  }

  /** The policy engine, asked for this agent in this session as it is now. */
  #agentDecide(seat: AgentSeat): (action: string, assume?: Readonly<Record<string, unknown>>) => { allow: boolean; reason: string } {
    return (action, assume) =>
      this.options.decide(action, {
        ...agentPolicyContext(seat.principal, {
          siteId: this.siteId,
          grantedMode: this.granted.control ? "control" : this.granted.view ? "view" : null,
          visitorConsent: this.granted,
        }),
        ...assume,
      });
  }

  fromAgent(seat: AgentSeat, message: AgentMessage): Failure | undefined {
    const decide = this.#agentDecide(seat);
    const facts = { id: seat.id, joined: seat.joined, admitted: seat.admitted, controlling: seat.controlling };
    const failure = runChecks(agentChecks[message.kind], { room: this, message, agent: { principal: seat.principal, joined: seat.joined, seat: facts }, decide });
    if (failure && message.kind === "control") return this.#controlRefused(seat, message.event, failure);
    if (failure) return failure;
    switch (message.kind) {
      case "join":
        this.#join(seat, negotiateVersion(message.versions) ?? 1);
        return undefined;
      case "request-view":
        this.#askAfterState(this.#ask("view", seat));
        return undefined;
      case "leave":
        this.removeAgent(seat, "agent_left");
        return undefined;
      case "activity":
        return undefined;
      case "presence":
        seat.hidden = !message.visible;
        this.#updateAway(seat);
        return undefined;
      case "request-control":
        this.#askAfterState(this.#ask("control", seat));
        return undefined;
      case "control":
        this.#controlAudit.note({ agent: seat.principal.subject, type: message.event.type, node: message.event.id, outcome: "forwarded" });
        this.#toVisitor({ kind: "control", event: message.event });
        return undefined;
      case "highlight":
        this.#toVisitor({ kind: "highlight", x: message.x, y: message.y });
        return undefined;
      case "laser":
        this.#guideAudit.laser(seat.principal.subject, message.gesture, message.points.length, message.end === true);
        this.#toVisitor({ kind: "laser", points: message.points });
        return undefined;
      case "outline":
        this.#outlined = true;
        this.#guideAudit.note({ actor: seat.principal.subject, tool: "outline", node: message.id });
        this.#toVisitor({ kind: "outline", id: message.id });
        return undefined;
      case "draw":
        this.#strokes++;
        this.#guideAudit.note({ actor: seat.principal.subject, tool: "draw", points: message.points.length });
        this.#toVisitor({ kind: "draw", points: message.points });
        return undefined;
      case "clear-guides":
        this.#clearGuides("agent", seat.principal.subject);
        return undefined;
    }
  }

  /**
   * Seats an agent. Nobody sees the page before the visitor says yes to them by name: the first
   * agent asks to share; each further one asks to watch too (policy additionalWatchers), or is let
   * in and named at once where the policy says so. A "no" within the pause is not asked again.
   * The same agent coming back after its connection dropped takes its place again, as the watcher
   * the visitor let in (no new question).
   */
  #join(seat: AgentSeat, version: number): void {
    let returning: AgentSeat | undefined;
    for (const other of this.seats) if (other.disconnected && other.principal.subject === seat.principal.subject) returning = other;
    if (returning) {
      this.#vacate(returning);
      this.#asks.replaceSeat(returning, seat);
    }
    seat.joined = true;
    this.seats.add(seat);
    this.options.audit("cobrowse.join", { room: this.id, site: this.siteId, agent: seat.principal.subject });
    send(seat.peer, {
      kind: "welcome",
      version,
      room: this.id,
      mode: this.mode,
      awayLimitMs: this.options.inactivityMs,
      maskInputValues: this.options.maskInputValues,
      maskedFields: this.maskedFieldEdit,
    });
    // Questions this agent asked before a takeover were withdrawn: it learns so, and may ask again.
    const withdrawn = this.options.withdrawnAsks?.get(seat.principal.subject);
    this.options.withdrawnAsks?.delete(seat.principal.subject);
    const moved: MovedToAgent = { kind: "moved", ...(withdrawn ? { withdrawn } : {}) };
    if (returning?.admitted) {
      seat.admitted = true;
      seat.controlling = returning.controlling;
      // The agent learns why the page went away for a moment: its server process stopped.
      if (returning.restored || withdrawn) send(seat.peer, moved);
      this.#catchUp(seat);
      this.#broadcastState();
    } else {
      if (withdrawn) send(seat.peer, moved);
      const letIn = this.granted.view && this.options.additionalWatchersConsent === false;
      const question = letIn || (returning && this.#asks.has(seat)) ? undefined : this.#ask("view", seat);
      if (letIn) this.#admit(seat);
      this.#askAfterState(question);
    }
    this.#repeatLimitWarning(seat.peer);
  }

  /** The visitor let this agent watch: it is named in the sharing bar and gets the page. */
  #admit(seat: AgentSeat): void {
    if (seat.admitted || !this.seats.has(seat)) return;
    seat.admitted = true;
    this.options.audit("cobrowse.watcher", { room: this.id, site: this.siteId, agent: seat.principal.subject, change: "join" });
    this.#catchUp(seat);
  }

  removeAgent(seat: AgentSeat, reason: EndReason): void {
    if (!this.#vacate(seat)) return;
    this.#guideAudit.flush(seat.principal.subject);
    // What watchers drew goes with a watcher who leaves or is sent away (the visitor's page and the others' views).
    if (seat.admitted && this.state !== "ended" && (this.#strokes > 0 || this.#outlined)) this.#clearGuides("watcher-left");
    this.options.audit("cobrowse.leave", { room: this.id, site: this.siteId, agent: seat.principal.subject, reason });
    if (seat.admitted) this.options.audit("cobrowse.watcher", { room: this.id, site: this.siteId, agent: seat.principal.subject, change: "leave", reason });
    seat.admitted = false;
    if (seat.controlling) {
      seat.controlling = false;
      this.granted.control = false;
      if (this.state !== "ended") this.#setMode("view");
    }
    // Its open question goes away unanswered; the next one (if any) is asked.
    const asked = this.#asks.head;
    const cancelled = this.#asks.dropSeat(seat) && asked !== undefined;
    if (cancelled) this.#toVisitor({ kind: "consent-cancel", request: asked.request });
    this.options.onAgentRemoved?.(seat, reason);
    send(seat.peer, { kind: "state", state: "ended", mode: this.mode, agents: this.seats.size, watching: false, reason } satisfies StateMessage);
    if (this.seats.size === 0 && this.state !== "ended") this.end(reason);
    else this.#askAfterState(cancelled ? this.#askNext() : undefined);
  }

  /** Takes a seat out of the session without a word (its timers stop); false when it was not seated. */
  #vacate(seat: AgentSeat): boolean {
    if (!this.seats.delete(seat)) return false;
    // A removed seat must not pass the `joined` check with a later message.
    seat.joined = false;
    this.options.clock.clearTimeout(seat.awayTimer);
    seat.awayTimer = undefined;
    return true;
  }

  /**
   * The agent's connection closed without leaving (network, closed tab): the seat is away and
   * ends after the policy's limit unless the same agent joins again first.
   */
  agentDisconnected(seat: AgentSeat): void {
    if (!this.seats.has(seat)) return;
    seat.disconnected = true;
    this.#updateAway(seat);
  }

  /** Starts or cancels the away countdown of a seat; the agent's viewer is told either way. */
  #updateAway(seat: AgentSeat): void {
    const { clock, inactivityMs } = this.options;
    const away = seat.hidden || seat.disconnected;
    if (away && seat.awayTimer === undefined) {
      seat.awayTimer = clock.setTimeout(() => {
        seat.awayTimer = undefined;
        this.removeAgent(seat, "agent_away");
      }, inactivityMs);
      if (!seat.disconnected) send(seat.peer, { kind: "away", endsInMs: inactivityMs });
    } else if (!away && seat.awayTimer !== undefined) {
      clock.clearTimeout(seat.awayTimer);
      seat.awayTimer = undefined;
      send(seat.peer, { kind: "away", endsInMs: null });
    }
  }

  /** Warns both sides before policy maxSession ends the session, then ends it. */
  #scheduleSessionLimit(remainingMs?: number): void {
    const { clock, maxSessionMs } = this.options;
    if (maxSessionMs === undefined) return;
    const lead = Math.min(SESSION_LIMIT_WARNING_MS, Math.floor(maxSessionMs / 2));
    // A session taken over keeps the limit it started with.
    const leftMs = Math.max(0, Math.min(maxSessionMs, remainingMs ?? maxSessionMs));
    this.#limitAt = clock.now() + leftMs;
    this.#limitTimers.push(
      clock.setTimeout(() => {
        this.#limitWarned = true;
        const notice: EndingSoon = { kind: "ending", reason: "session_limit", endsInMs: Math.min(lead, leftMs) };
        this.#toVisitor(notice);
        this.#toAgents(notice);
      }, Math.max(0, leftMs - lead)),
      clock.setTimeout(() => this.end("session_limit"), leftMs),
    );
  }

  /** A visitor back from a navigation, or an agent joining late, learns of a coming limit too. */
  #repeatLimitWarning(peer: Peer): void {
    if (!this.#limitWarned || this.#limitAt === undefined || this.state !== "active") return;
    send(peer, { kind: "ending", reason: "session_limit", endsInMs: Math.max(0, this.#limitAt - this.options.clock.now()) });
  }

  /** A refused control event: audited (kind, node, reason), and the agent learns which node, to roll its replica back. */
  #controlRefused(seat: AgentSeat, event: { type: ControlAuditEntry["type"]; id: number }, failure: Failure): Failure {
    if (seat.joined) this.#controlAudit.note({ agent: seat.principal.subject, type: event.type, node: event.id, outcome: { by: "relay", reason: failure.code } });
    return { ...failure, node: event.id };
  }

  /**
   * Every drawing, outline and laser goes from the visitor's page: the visitor cleared it, an agent
   * did, or a watcher left. The visitor's page is told unless it cleared itself; agents are told so
   * their views match.
   */
  #clearGuides(by: "visitor" | "agent" | "watcher-left", agent?: string): void {
    this.#strokes = 0;
    this.#outlined = false;
    if (by === "watcher-left") this.#guideAudit.flushAll();
    else this.#guideAudit.note({ actor: by === "agent" && agent ? agent : "visitor", tool: "clear" });
    if (by !== "visitor") this.#toVisitor({ kind: "clear-guides" });
    this.#toAgents({ kind: "guides-cleared", by });
  }

  #auditGuide(entry: GuideAuditEntry): void {
    const where = { room: this.id, site: this.siteId, actor: entry.actor };
    if ("throttled" in entry) return this.options.audit("cobrowse.guide.throttled", where);
    this.options.audit("cobrowse.guide", { ...where, tool: entry.tool, ...("points" in entry && entry.points !== undefined ? { points: entry.points } : {}), ...("node" in entry && entry.node !== undefined ? { node: entry.node } : {}) });
  }

  #auditControl(entry: ControlAuditEntry | { readonly agent: string; readonly throttled: true }): void {
    const where = { room: this.id, site: this.siteId, agent: entry.agent };
    if ("throttled" in entry) return this.options.audit("cobrowse.control.throttled", where);
    const what = { ...where, type: entry.type, node: entry.node };
    if (entry.outcome === "forwarded") this.options.audit("cobrowse.control", what);
    else this.options.audit("cobrowse.control.refused", { ...what, by: entry.outcome.by, reason: entry.outcome.reason });
  }

  /**
   * Puts a question for the visitor in line, naming the agent. Within the pause after the
   * visitor's "no" the agent is told at once instead (with when it may ask again).
   */
  #ask(mode: CobrowseMode, seat: AgentSeat): ServerToVisitor | undefined {
    const waitMs = this.askPausedMs(mode);
    if (waitMs > 0) {
      send(seat.peer, { kind: "consent", answer: "denied", mode, retryAfterMs: waitMs });
      this.#refreshAfter(mode, waitMs);
      return undefined;
    }
    const { ask, first } = this.#asks.add(mode, seat, mode === "view" && this.granted.view);
    this.#auditConsent(seat, mode, "asked");
    return first ? this.#question(ask) : undefined;
  }

  /** The next question in line; questions the visitor just said no to are answered for them. */
  #askNext(): ServerToVisitor | undefined {
    for (let ask = this.#asks.head; ask; ask = this.#asks.head) {
      const waitMs = this.askPausedMs(ask.mode);
      if (waitMs === 0) return this.#question(ask);
      this.#asks.shift();
      send(ask.seat.peer, { kind: "consent", answer: "denied", mode: ask.mode, retryAfterMs: waitMs });
    }
    return undefined;
  }

  /** Everyone learns the new state first, then the visitor gets the question (a state never follows and hides it). */
  #askAfterState(question: ServerToVisitor | undefined): void {
    this.#broadcastState();
    if (question) this.#toVisitor(question);
  }

  #question(ask: { request: string; mode: CobrowseMode; seat: AgentSeat; additional: boolean }): ServerToVisitor {
    const { displayName } = ask.seat.principal;
    return {
      kind: "consent-request",
      request: ask.request,
      mode: ask.mode,
      session: this.id,
      agent: { displayName, role: ask.seat.role, watcher: ask.seat.id },
      ...(ask.additional ? { additional: true } : {}),
    };
  }

  /** The visitor said no to `mode`: the same question waits out the pause; agents learn when it is over. */
  #saidNo(mode: CobrowseMode): void {
    this.#pause.said(mode, this.options.clock.now());
    this.#refreshAfter(mode, this.#pause.pauseMs);
  }

  /** Agents get their actions again when the pause for `mode` is over (the "ask again" button comes back). */
  #refreshAfter(mode: CobrowseMode, ms: number): void {
    const { clock } = this.options;
    clock.clearTimeout(this.#pauseTimers.get(mode));
    this.#pauseTimers.set(
      mode,
      clock.setTimeout(() => {
        this.#pauseTimers.delete(mode);
        if (this.state !== "ended") this.#broadcastState();
      }, ms),
    );
  }

  #auditConsent(seat: AgentSeat, mode: CobrowseMode, step: "asked" | "given" | "declined" | "revoked"): void {
    this.options.audit("cobrowse.consent", { room: this.id, site: this.siteId, agent: seat.principal.subject, mode, step });
  }

  // ---- delivery --------------------------------------------------------------------------

  /** A live page event: remembered for agents who join later, sent to those watching now. */
  #pageEvent(event: PageEventToAgent): void {
    this.#page.record(event);
    this.#toAgents(event);
  }

  /** Page content and page events: only to agents the visitor let in. */
  #toAgents(message: ServerToAgent): void {
    const frame = JSON.stringify(message);
    for (const seat of this.seats) if (seat.admitted) this.#deliver(seat, frame);
  }

  #toVisitor(message: ServerToVisitor): void {
    if (this.visitor) send(this.visitor, message);
  }

  /** Backpressure: a slow agent skips frames and gets snapshot + changes since once drained. */
  #deliver(seat: AgentSeat, frame: string): void {
    if (seat.lagging || seat.disconnected) return;
    if (seat.peer.bufferedAmount() > (this.options.maxBufferedBytes ?? 4 * 1024 * 1024)) {
      seat.lagging = true;
      this.#waitForDrain(seat);
      return;
    }
    seat.peer.send(frame);
  }

  #waitForDrain(seat: AgentSeat): void {
    this.options.clock.setTimeout(() => {
      if (!this.seats.has(seat)) return;
      if (seat.peer.bufferedAmount() > 0) return this.#waitForDrain(seat);
      seat.lagging = false;
      this.#catchUp(seat);
    }, 50);
  }

  #catchUp(seat: AgentSeat): void {
    if (!this.#snapshot) return;
    seat.peer.send(this.#snapshot);
    for (const frame of this.#since) seat.peer.send(frame);
    for (const frame of this.#canvases.frames(this.index)) seat.peer.send(frame);
    for (const frame of this.#page.frames(this.index)) seat.peer.send(frame);
  }

  #requestSnapshot(): void {
    this.#toVisitor({ kind: "snapshot-request" });
  }

  #setMode(mode: CobrowseMode): void {
    if (this.mode !== mode) this.options.audit("cobrowse.mode", { room: this.id, site: this.siteId, mode });
    this.mode = mode;
    this.#broadcastState();
  }

  #state(): StateMessage {
    const watchers: Watcher[] = [];
    for (const seat of this.seats) {
      if (seat.admitted) watchers.push({ id: seat.id, displayName: seat.principal.displayName, role: seat.role, controlling: seat.controlling });
    }
    return {
      kind: "state",
      state: this.state,
      mode: this.mode,
      agents: this.seats.size,
      watching: this.granted.view && watchers.length > 0,
      ...(this.#endReason ? { reason: this.#endReason } : {}),
      watchers,
    };
  }

  /** What this agent may do now, as the policy decides it for this room: the console shows only these. */
  #actionsFor(seat: AgentSeat): AgentSessionAction[] {
    const decide = this.#agentDecide(seat);
    const actions: AgentSessionAction[] = [];
    if (seat.admitted && decide("cobrowse:view").allow) actions.push("highlight");
    const mayAskControl = decide("cobrowse:control", { grantedMode: "control", visitorConsent: { view: true, control: true } }).allow;
    if (seat.admitted && !seat.controlling && mayAskControl && !this.#asks.has(seat, "control") && this.askPausedMs("control") === 0) actions.push("request-control");
    if (!seat.admitted && !this.#asks.has(seat) && this.askPausedMs("view") === 0 && decide("cobrowse:invite").allow) actions.push("request-view");
    actions.push("leave");
    return actions;
  }

  #broadcastState(): void {
    this.options.onChanged?.();
    const state = this.#state();
    this.#toVisitor(state);
    // Every agent gets the state (admitted or waiting for the visitor's yes), with its own actions.
    for (const seat of this.seats) {
      if (!seat.joined) continue;
      this.#deliver(seat, JSON.stringify({ ...state, admitted: seat.admitted, actions: this.#actionsFor(seat), you: seat.id } satisfies StateMessage));
    }
  }

  #forgetPage(): void {
    this.index.clear();
    this.#snapshot = undefined;
    this.#since = [];
    this.#sinceOps = 0;
    this.#canvases.clear();
    this.#page.forget();
    // A new page shows none of the old page's drawings (the visitor script drops them too).
    this.#strokes = 0;
    this.#outlined = false;
  }

  /**
   * Ends the session: both sides are told why, agents' connections close, all page memory is
   * released. The visitor's connection stays: it belongs to the visit, which goes on (chat).
   */
  end(reason: EndReason): void {
    if (this.state === "ended") return;
    this.#guideAudit.flushAll();
    this.state = "ended";
    this.#endReason = reason;
    this.#broadcastState();
    for (const timer of this.#limitTimers.splice(0)) this.options.clock.clearTimeout(timer);
    for (const seat of [...this.seats]) {
      if (seat.admitted) this.options.audit("cobrowse.watcher", { room: this.id, site: this.siteId, agent: seat.principal.subject, change: "leave", reason });
      seat.admitted = false;
      this.#vacate(seat);
      seat.peer.close(NORMAL_CLOSE, reason);
    }
    this.#dropVisitorState();
    this.options.audit("cobrowse.end", { room: this.id, site: this.siteId, reason });
    this.options.onEnded(this);
  }

  /**
   * Another server process continues this session (it took the visit over, or this one is
   * stopping): the page memory and timers go, nobody is told and nothing is audited as ended.
   */
  release(): void {
    if (this.state === "ended") return;
    this.state = "ended";
    for (const timer of this.#limitTimers.splice(0)) this.options.clock.clearTimeout(timer);
    for (const seat of [...this.seats]) this.#vacate(seat);
    this.#dropVisitorState();
  }

  /** The visitor, the page memory, pending asks and pause timers go (ending or releasing the session). */
  #dropVisitorState(): void {
    this.visitor = undefined;
    this.#forgetPage();
    this.#controlAudit.forget();
    this.#guideAudit.forget();
    this.#asks.clear();
    for (const timer of this.#pauseTimers.values()) this.options.clock.clearTimeout(timer);
    this.#pauseTimers.clear();
  }

  /** Approximate retained page bytes (for tests of memory release and for metrics). */
  retainedBytes(): number {
    return (this.#snapshot?.length ?? 0) + this.#since.reduce((n, f) => n + f.length, 0) + this.index.size * 16 + this.#canvases.retainedBytes + this.#page.retainedBytes;
  }
}

function send(peer: Peer, message: ServerToAgent | ServerToVisitor): void {
  peer.send(JSON.stringify(message));
}

function limitFailure(err: unknown): Failure {
  if (err instanceof FragmentLimitError) return fail(err.code, err.message);
  return fail("bad_frame", "content could not be processed");
}
