import type { Logger } from "../../ops/log.js";
import { isAction } from "../../policy/actions.js";
import type { PolicyContext } from "../../policy/decision.js";
import type { PolicyEngine } from "../../policy/engine.js";
import type { CanvasSettings } from "../../protocol/canvas.js";
import { NORMAL_CLOSE, type EndReason } from "../../protocol/error-codes.js";
import { LIMITS } from "../../protocol/limits.js";
import type { MaskedFieldEdit } from "../../protocol/mask.js";
import type { ServerToVisitor, WelcomeToVisitor } from "../../protocol/server-messages.js";
import { negotiateVersion } from "../../protocol/version.js";
import type { VisitorMessage } from "../../protocol/visitor-messages.js";
import type { AgentSeat } from "../agent-seat.js";
import { runChecks } from "../checks/check.js";
import type { Clock } from "../clock.js";
import { CobrowseSession, type CobrowseSessionAudit } from "../cobrowse-session.js";
import type { Failure } from "../failure.js";
import { openingChecks, visitChecks } from "../message-table.js";
import type { Peer } from "../peer.js";
import { newResumeToken, ResumeTokens } from "../resume-tokens.js";
import type { RegisteredSite, SiteSanitizers } from "../site-sanitizers.js";
import { Visit } from "../visit.js";
import { tokenHash, type SharedAsk, type SharedSession, type VisitStore } from "./shared-visit.js";
import { VisitSharing } from "./visit-sharing.js";

export type VisitorOpening = { ok: true; visit: Visit } | { ok: false; failure: Failure };
type Opening = Extract<VisitorMessage, { kind: "hello" | "resume" }>;

/** What the visits tell the rest of the relay (the session directory, the agents' seats and routes). */
export interface VisitEvents {
  /** A visit's listed facts may have changed: the directory announces them. */
  changed(visit: Visit): void;
  /** A co-browse session (or the next session a visit reserved) is over. */
  sessionGone(session: string): void;
  /** A visit is no longer held here: `ended` (over) or released (continued elsewhere). */
  forgotten(visit: Visit, ended: boolean): void;
  /** The session was taken over here: agents of this server process in it reach it here. */
  takenOver(session: string): void;
  /** An agent's seat left a session. */
  seatRemoved(seat: AgentSeat): void;
  /** A session's memory went (ended or released): its seats' routes go. */
  sessionDropped(session: CobrowseSession): void;
}

export interface VisitsOptions {
  readonly replica: string;
  readonly policy: PolicyEngine;
  readonly log: Logger;
  readonly audit: CobrowseSessionAudit;
  readonly clock: Clock;
  readonly sites: SiteSanitizers;
  readonly visitorGraceMs?: number;
  readonly visitStore?: VisitStore;
  readonly events: VisitEvents;
}

/**
 * The visits of the visitors connected to this server process and their co-browse sessions:
 * opening (`hello`), resume, the grace period after a connection closed, and taking a visit over
 * from another server process (shared visit store). A visit outlives its co-browse sessions:
 * ending one releases its session but keeps the visitor's connection (chat) and visit.
 */
export class Visits {
  readonly #visits = new Map<string, Visit>();
  /** Visits by the id of their current or next session. */
  readonly #visitBySession = new Map<string, Visit>();
  readonly #sessions = new Map<string, CobrowseSession>();
  readonly #tokens = new ResumeTokens();
  readonly sharing: VisitSharing | undefined;

  constructor(private readonly options: VisitsOptions) {
    this.sharing = options.visitStore && new VisitSharing(options.visitStore, options.replica, options.log, (visit) => this.release(visit), options.clock);
  }

  all(): IterableIterator<Visit> {
    return this.#visits.values();
  }

  byId(id: string): Visit | undefined {
    return this.#visits.get(id);
  }

  /** The visit whose current (or next) session has this id. */
  bySession(session: string): Visit | undefined {
    return this.#visitBySession.get(session);
  }

  /** An open co-browse session held here. */
  session(id: string): CobrowseSession | undefined {
    return this.#sessions.get(id);
  }

  get sessionCount(): number {
    return this.#sessions.size;
  }

  get count(): number {
    return this.#visits.size;
  }

  retainedBytes(): number {
    let n = 0;
    for (const session of this.#sessions.values()) n += session.retainedBytes();
    return n;
  }

  // ---- opening and resume -------------------------------------------------------------------

  /**
   * Handles `hello` (a new visit, with its first co-browse session) or `resume` (the visit of the
   * token, with its session if a session is running); sends the welcome.
   */
  open(peer: Peer, message: Opening, origin: string): VisitorOpening {
    const named = this.#namedByOpening(message, origin);
    const failure = this.#openingFailure(message, origin, false, named);
    if (failure) return { ok: false, failure };
    const site = named.site;
    if (!site) throw new Error("an opening passed its row without a site");
    const version = negotiateVersion(message.versions) ?? 1;
    let visit = named.visit;
    if (!visit) {
      visit = new Visit(site.id, Date.now(), this.#consentPauseMs);
      this.#visits.set(visit.id, visit);
      this.#visitBySession.set(visit.cobrowseSessionId, visit);
      this.#openSession(visit);
    }
    this.#welcome(peer, visit, site, version, this.#issueToken(visit));
    return { ok: true, visit };
  }

  get #consentPauseMs(): number {
    return this.options.policy.policy.cobrowse.consentPause.seconds * 1000;
  }

  /** Welcomes the visitor (with the visit's next resume token) and attaches its connection. */
  #welcome(peer: Peer, visit: Visit, site: RegisteredSite, version: number, resumeToken: string): void {
    const { canvas } = this.options.policy.policy.cobrowse;
    const welcome: WelcomeToVisitor & { privacy: { maskingSelectors: readonly string[]; maskInputValues: boolean; maskedFieldEdit: MaskedFieldEdit; canvas?: CanvasSettings } } = {
      kind: "welcome",
      version,
      visit: visit.id,
      session: visit.cobrowseSessionId,
      resumeToken,
      limits: LIMITS,
      privacy: {
        maskingSelectors: site.policy.maskingSelectors,
        maskInputValues: this.options.policy.policy.cobrowse.maskInputValues.enabled,
        // The page refuses typed values into masked fields too when policy says `never`.
        maskedFieldEdit: this.options.policy.policy.cobrowse.maskedFields.agentEdit,
        // The script captures canvases only when told how; the relay still decides every image.
        ...(canvas.enabled ? { canvas: { intervalMs: canvas.intervalMs, maxBytes: canvas.maxBytes } } : {}),
      },
    };
    peer.send(JSON.stringify(welcome));
    const previous = visit.peer;
    this.options.clock.clearTimeout(visit.graceTimer);
    visit.graceTimer = undefined;
    visit.peer = peer;
    visit.room?.attachVisitor(peer);
    if (previous && previous !== peer) previous.close(NORMAL_CLOSE, "resumed");
    this.options.events.changed(visit);
    void this.sharing?.changed(visit);
  }

  /** A resume token for the visit, known here and (as a hash) to the shared visit store. */
  #issueToken(visit: Visit, token = newResumeToken()): string {
    visit.tokenHash = tokenHash(token);
    return this.#tokens.adopt(visit.id, visit.siteId, token);
  }

  /**
   * A `resume` whose visit is held by no visit here, with a shared visit store: the visit (its
   * consent, its watchers, its chat) continues here, taken over from the server process that
   * held it, which may have stopped. Undefined when this does not apply (`open` answers).
   * Only the visitor's current resume token, presented from an origin of the visit's site, takes
   * a visit over; a refusal changes nothing anywhere.
   */
  takeOver(peer: Peer, message: Opening, origin: string): Promise<VisitorOpening> | undefined {
    const sharing = this.sharing;
    if (!sharing || message.kind !== "resume" || this.#namedByOpening(message, origin).visit) return undefined;
    return this.#takeOver(sharing, peer, message, origin);
  }

  async #takeOver(sharing: VisitSharing, peer: Peer, message: Extract<VisitorMessage, { kind: "resume" }>, origin: string): Promise<VisitorOpening> {
    const { sites, clock, log, replica } = this.options;
    const siteIds = sites.sitesWithOrigin(origin);
    const found = await sharing.store.lookup(message.resumeToken).catch(() => undefined);
    const site = found && siteIds.has(found.site) ? sites.siteById(found.site) : undefined;
    const failure = this.#openingFailure(message, origin, false, site ? { site, found: true } : {});
    if (failure || !found || !site) return { ok: false, failure: failure ?? { code: "session_ended", message: "the resume token is unknown, used or expired" } };
    const nextToken = newResumeToken();
    const claimed = await sharing.store.claim(found.visit, message.resumeToken, nextToken, replica).catch(() => undefined);
    if (!claimed) return { ok: false, failure: { code: "session_ended", message: "the resume token is unknown, used or expired" } };
    const { data } = claimed;
    const visit = new Visit(site.id, Date.now(), this.#consentPauseMs, { id: claimed.visit, roomId: data.room, roomSince: data.roomSince, epoch: claimed.epoch });
    // The visitor's "no" still holds here for as long as it would have there.
    if (data.paused) visit.consentPause.restore(data.paused, clock.now(), Date.now());
    const asks = data.session?.asks ?? [];
    this.#withdraw(visit, asks);
    this.#visits.set(visit.id, visit);
    this.#visitBySession.set(visit.cobrowseSessionId, visit);
    // A session someone watched continues with the visitor's consent as it was.
    if (data.session && (data.session.state === "active" || data.session.watchers.length > 0)) this.#openSession(visit, data.session);
    log.info({ visit: visit.id, site: site.id, epoch: claimed.epoch, session: visit.room !== undefined }, "visit taken over from another server process");
    if (data.session) this.options.audit("cobrowse.takeover", { room: visit.cobrowseSessionId, site: site.id, from: claimed.previousOwner, to: replica, epoch: claimed.epoch });
    this.#welcome(peer, visit, site, negotiateVersion(message.versions) ?? 1, this.#issueToken(visit, nextToken));
    // The prompt of a question nobody can answer any more closes on the visitor's page.
    for (const ask of asks) peer.send(JSON.stringify({ kind: "consent-cancel", request: ask.request } satisfies ServerToVisitor));
    this.options.events.takenOver(visit.cobrowseSessionId);
    return { ok: true, visit };
  }

  /**
   * Questions the visitor had not answered when the server process asking them stopped are
   * withdrawn, never carried: an answer in flight may have been lost with that process, and only
   * an answer given here to a question asked here lets anyone in. Each is audited as withdrawn; its
   * agent is told on rejoining (and may ask again, within the policy's pause).
   */
  #withdraw(visit: Visit, asks: readonly SharedAsk[]): void {
    for (const ask of asks) {
      const modes = visit.withdrawnAsks.get(ask.subject) ?? [];
      if (!modes.includes(ask.mode)) modes.push(ask.mode);
      visit.withdrawnAsks.set(ask.subject, modes);
      this.options.audit("cobrowse.consent", { room: visit.cobrowseSessionId, site: visit.siteId, agent: ask.subject, mode: ask.mode, step: "withdrawn" });
    }
  }

  /** A co-browse frame of the visit: its running session checks and handles it. */
  fromVisitor(visit: Visit, message: VisitorMessage, origin: string): Failure | undefined {
    if (message.kind === "hello" || message.kind === "resume") return this.#openingFailure(message, origin, true, this.#namedByOpening(message, origin));
    const session = visit.room;
    const refused = runChecks(visitChecks[message.kind], { message, roomRunning: session !== undefined });
    if (refused || !session) return refused;
    const failure = session.fromVisitor(message, origin);
    this.options.events.changed(visit);
    return failure;
  }

  /** The visitor's socket closed: the visit (and its session) wait a short while for a resume, then end. */
  visitorClosed(visit: Visit, peer: Peer): void {
    if (visit.peer !== peer || visit.ended) return;
    visit.peer = undefined;
    visit.room?.detachVisitor(peer);
    const grace = this.options.visitorGraceMs ?? 30_000;
    visit.graceTimer = this.options.clock.setTimeout(() => {
      visit.graceTimer = undefined;
      if (visit.peer) return;
      const sharing = this.sharing;
      if (!sharing) return this.end(visit, "visitor_gone");
      // The visitor may have gone on at another server process: then the visit is its now.
      void sharing.owns(visit).then((owned) => {
        if (visit.peer || visit.ended) return;
        if (owned) this.end(visit, "visitor_gone");
        else this.release(visit);
      });
    }, grace);
  }

  /** Another server process announced a higher epoch for a visit held here: let it go if the store confirms. */
  announcedElsewhere(visit: Visit): void {
    void this.sharing?.owns(visit).then((owned) => {
      if (!owned) this.release(visit);
    });
  }

  /** The site and visit an opening names, looked up without using anything up. */
  #namedByOpening(message: Opening, origin: string): { site?: RegisteredSite; visit?: Visit } {
    const { sites } = this.options;
    if (message.kind === "hello") {
      const site = sites.site(message.siteKey);
      return site ? { site } : {};
    }
    const visitId = this.#tokens.visitOf(message.resumeToken, sites.sitesWithOrigin(origin));
    const visit = visitId === undefined ? undefined : this.#visits.get(visitId);
    const site = visit && !visit.ended ? sites.siteById(visit.siteId) : undefined;
    return visit && site ? { visit, site } : {};
  }

  /** Runs the opening's row (message-table.ts `openingTable`); `found`: a visit held elsewhere. */
  #openingFailure(message: Opening, origin: string, opened: boolean, named: { site?: RegisteredSite; visit?: Visit; found?: boolean }): Failure | undefined {
    const { site, visit } = named;
    return runChecks(openingChecks[message.kind], {
      message,
      origin,
      opened,
      site: site && { id: site.id, origins: site.policy.origins },
      visitFound: visit !== undefined || named.found === true,
      decide: (action) => (site ? this.decide(action, { actor: "visitor", siteId: site.id, origin }) : { allow: false, reason: "no site" }),
    });
  }

  decide(action: string, context: PolicyContext): { allow: boolean; reason: string } {
    if (!isAction(action)) return { allow: false, reason: `unknown action ${action}` };
    return this.options.policy.decide(action, context);
  }

  // ---- sessions -------------------------------------------------------------------------------

  #openSession(visit: Visit, restore?: SharedSession): CobrowseSession {
    const { policy } = this.options;
    const site = this.options.sites.siteById(visit.siteId);
    if (!site) throw new Error("visit of an unregistered site");
    const cobrowseSession: CobrowseSession = new CobrowseSession({
      id: visit.cobrowseSessionId,
      site: { id: site.id, origins: site.policy.origins },
      // Asset URLs in this room's content name it and expire with the longest session policy allows.
      sanitizer: this.options.sites.sanitizer(site).forSession(visit.cobrowseSessionId, policy.policy.cobrowse.maxSession.minutes * 60_000),
      decide: (action, context) => this.decide(action, context),
      clock: this.options.clock,
      inactivityMs: policy.policy.cobrowse.agentInactivity.seconds * 1000,
      maxSessionMs: policy.policy.cobrowse.maxSession.minutes * 60_000,
      maskInputValues: policy.policy.cobrowse.maskInputValues.enabled,
      maskedFieldEdit: policy.policy.cobrowse.maskedFields.agentEdit,
      canvas: { intervalMs: policy.policy.cobrowse.canvas.intervalMs, maxBytes: policy.policy.cobrowse.canvas.maxBytes },
      audit: this.options.audit,
      additionalWatchersConsent: policy.policy.cobrowse.additionalWatchers.consentRequired,
      consentPause: visit.consentPause,
      withdrawnAsks: visit.withdrawnAsks,
      ...(restore ? { restore } : {}),
      onChanged: () => void this.sharing?.changed(visit),
      onEnded: (ended) => this.#sessionEnded(ended, visit),
      onAgentRemoved: (seat) => {
        this.options.events.seatRemoved(seat);
        this.options.events.changed(visit);
      },
    });
    visit.room = cobrowseSession;
    this.#sessions.set(cobrowseSession.id, cobrowseSession);
    if (visit.peer) cobrowseSession.attachVisitor(visit.peer);
    this.options.log.info({ room: cobrowseSession.id, site: site.id }, "co-browse session opened");
    return cobrowseSession;
  }

  /** The session an agent's join names: an open one, or the next session of a visit, opened now. */
  sessionToJoin(id: string): CobrowseSession | undefined {
    const open = this.#sessions.get(id);
    if (open) return open;
    const visit = this.#visitBySession.get(id);
    if (!visit || visit.ended) return undefined;
    return visit.room ?? this.#openSession(visit);
  }

  /** A co-browse session is over: its memory goes; the visit (and the visitor's socket) stays. */
  #sessionEnded(cobrowseSession: CobrowseSession, visit: Visit): void {
    this.options.log.info({ room: cobrowseSession.id, site: cobrowseSession.siteId }, "co-browse session ended");
    this.#sessions.delete(cobrowseSession.id);
    this.options.events.sessionDropped(cobrowseSession);
    this.options.events.sessionGone(cobrowseSession.id);
    if (visit.room !== cobrowseSession) return;
    this.#visitBySession.delete(cobrowseSession.id);
    visit.sessionEnded(Date.now());
    if (visit.ended) return;
    this.#visitBySession.set(visit.cobrowseSessionId, visit);
    this.options.events.changed(visit);
    void this.sharing?.changed(visit);
  }

  /**
   * Another server process continues the visit (it took it over, or this one is stopping): its
   * memory here goes without ending anything; a visitor connection still here is closed.
   */
  release(visit: Visit): void {
    if (visit.ended) return;
    visit.ended = true;
    this.options.clock.clearTimeout(visit.graceTimer);
    this.#tokens.revoke(visit.id);
    const session = visit.room;
    if (session) {
      session.release();
      this.#sessions.delete(session.id);
      this.options.events.sessionDropped(session);
    }
    this.#visitBySession.delete(visit.cobrowseSessionId);
    this.#visits.delete(visit.id);
    this.options.events.forgotten(visit, false);
    visit.peer?.close(NORMAL_CLOSE, "resumed");
    visit.peer = undefined;
    this.options.log.info({ visit: visit.id }, "visit released to another server process");
  }

  /** The visit is over (visitor gone for good, shutdown): its session ends, its token dies. */
  end(visit: Visit, reason: EndReason): void {
    if (visit.ended) return;
    visit.ended = true;
    this.options.clock.clearTimeout(visit.graceTimer);
    this.#tokens.revoke(visit.id);
    void this.sharing?.ended(visit);
    const sessionId = visit.cobrowseSessionId;
    if (visit.room) visit.room.end(reason);
    else this.options.events.sessionGone(sessionId);
    this.#visitBySession.delete(sessionId);
    this.#visits.delete(visit.id);
    this.options.events.forgotten(visit, true);
  }

  /**
   * Ends every visit (`server_shutdown`). With a shared visit store the visits are not ended:
   * their facts are saved and their memory released, and the visitors' scripts continue them on
   * another server process.
   */
  async shutdown(): Promise<void> {
    const sharing = this.sharing;
    if (sharing) await Promise.all([...this.#visits.values()].map(async (visit) => {
      await sharing.changed(visit);
      this.release(visit);
    }));
    for (const visit of [...this.#visits.values()]) this.end(visit, "server_shutdown");
  }

  /** Renews the records of the visits held here in the shared visit store (every few seconds). */
  renewAll(): void {
    for (const visit of this.#visits.values()) void this.sharing?.changed(visit);
  }
}
