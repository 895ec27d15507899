import { randomBytes } from "node:crypto";
import type { Bus } from "../bus/bus.js";
import type { Logger } from "../ops/log.js";
import { isAction } from "../policy/actions.js";
import type { PolicyContext } from "../policy/decision.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { AgentMessage } from "../protocol/agent-messages.js";
import type { CanvasSettings } from "../protocol/canvas.js";
import { NORMAL_CLOSE, type EndReason } from "../protocol/error-codes.js";
import { LIMITS } from "../protocol/limits.js";
import type { MaskedFieldEdit } from "../protocol/mask.js";
import type { ServerToVisitor, WelcomeToVisitor } from "../protocol/server-messages.js";
import { negotiateVersion } from "../protocol/version.js";
import type { VisitorMessage } from "../protocol/visitor-messages.js";
import { AgentRouter, type AgentEndpoint } from "./cluster/agent-router.js";
import {
  readEnvelope,
  readFrameEnvelope,
  replicaChannel,
  replicaEnvelope,
  roomsChannel,
  roomsEnvelope,
  type ReplicaEnvelope,
  type RoomSummary,
  type RoomsEnvelope,
} from "./cluster/envelopes.js";
import { OwnerSeats } from "./cluster/owner-seats.js";
import { RemotePeer } from "./cluster/remote-peer.js";
import { CobrowseSessionDirectory } from "./cluster/session-directory.js";
import { runChecks } from "./checks/check.js";
import { systemClock, type Clock } from "./clock.js";
import { sendFailure, type Failure } from "./failure.js";
import type { AgentPrincipal, Peer } from "./peer.js";
import { openingChecks, visitChecks } from "./message-table.js";
import { newResumeToken, ResumeTokens } from "./resume-tokens.js";
import { CobrowseSession, type CobrowseSessionAudit } from "./cobrowse-session.js";
import { Visit, type CobrowseState } from "./visit.js";
import type { AssetUrlSigner } from "./sanitizer/asset-url.js";
import { SiteSanitizers, type RegisteredSite } from "./site-sanitizers.js";
import { tokenHash, type SharedAsk, type SharedSession, type VisitStore } from "./visits/shared-visit.js";
import { VisitSharing } from "./visits/visit-sharing.js";

export interface RelayOptions {
  readonly policy: PolicyEngine;
  readonly bus: Bus;
  readonly log: Logger;
  readonly signer: AssetUrlSigner;
  readonly audit: CobrowseSessionAudit;
  /** Sessions' clock (inactivity, visitor grace); tests inject a manual one. */
  readonly clock?: Clock;
  /** How long a session waits for its visitor to resume after the connection dropped. */
  readonly visitorGraceMs?: number;
  /**
   * The shared visit store (several server processes): visits, their resume tokens and consent
   * continue on whichever server process the visitor reaches next. None: visits live here only.
   */
  readonly visitStore?: VisitStore;
}

export type VisitorOpening = { ok: true; visit: Visit } | { ok: false; failure: Failure };

/** Hears a visit's co-browse state change (the live visitor list shows it). */
export type CobrowseStateListener = (site: string, visit: string, state: CobrowseState) => void;

const ANNOUNCE_EVERY_MS = 10_000;
const DIRECTORY_TTL_MS = 35_000;

/**
 * The co-browse relay of one replica: owns the visits of the visitors connected here and their
 * co-browse sessions, seats agents (from this or another replica) in them, and keeps the
 * cluster-wide session directory. A visit outlives its co-browse sessions: ending one releases its
 * session but keeps the visitor's connection (chat) and visit. Transport agnostic: the WebSocket
 * layer hands it parsed messages and Peers.
 */
export class Relay {
  readonly replica = randomBytes(12).toString("base64url");
  readonly #visits = new Map<string, Visit>();
  /** Visits by the id of their current or next session. */
  readonly #visitBySession = new Map<string, Visit>();
  readonly #sessions = new Map<string, CobrowseSession>();
  readonly #announced = new Map<string, string>();
  readonly #reported = new Map<string, CobrowseState>();
  readonly #stateListeners = new Set<CobrowseStateListener>();
  readonly #remotePeers = new Map<string, RemotePeer>();
  readonly #tokens = new ResumeTokens();
  readonly #directory = new CobrowseSessionDirectory(() => Date.now(), DIRECTORY_TTL_MS);
  readonly #sites: SiteSanitizers;
  readonly #seats: OwnerSeats;
  readonly #router: AgentRouter;
  readonly #clock: Clock;
  readonly #unsubscribe: (() => void)[] = [];
  readonly #sharing: VisitSharing | undefined;
  #announcer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RelayOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#sharing = options.visitStore && new VisitSharing(options.visitStore, this.replica, options.log, (visit) => this.#release(visit), options.clock ?? systemClock);
    this.#sites = new SiteSanitizers(options.policy, options.signer);
    this.#seats = new OwnerSeats((id) => this.#sessionToJoin(id));
    this.#router = new AgentRouter(options.bus, {
      replica: this.replica,
      ownerOf: (session) => this.#ownerOf(session),
      handleLocal: (envelope, peer, principal) => this.#fromAgentReplica(envelope, peer, principal),
    });
  }

  /** Joins the bus: this replica's own channel and the session directory; asks others for their sessions. */
  async start(): Promise<void> {
    const { bus } = this.options;
    this.#unsubscribe.push(await bus.subscribe(replicaChannel(this.replica), (text) => this.#guard(() => this.#onReplicaMessage(text))));
    this.#unsubscribe.push(await bus.subscribe(roomsChannel, (text) => this.#guard(() => this.#onRoomsMessage(text))));
    bus.publish(roomsChannel, JSON.stringify({ t: "sync", from: this.replica } satisfies RoomsEnvelope));
    this.#announcer = setInterval(() => this.#guard(() => this.#announceAll()), ANNOUNCE_EVERY_MS).unref();
  }

  /** Tells `listener` whenever a visit of this replica starts or stops being co-browsed. */
  onCobrowseState(listener: CobrowseStateListener): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  // ---- visitors ----------------------------------------------------------------------------

  /** True when some registered site lists this exact origin (checked at the WebSocket handshake). */
  visitorOriginAllowed(origin: string): boolean {
    return this.#sites.sitesWithOrigin(origin).size > 0;
  }

  /**
   * Handles `hello` (a new visit, with its first co-browse session) or `resume` (the visit of the
   * token, with its session if a session is running); sends the welcome.
   */
  openVisitor(peer: Peer, message: Extract<VisitorMessage, { kind: "hello" | "resume" }>, origin: string): VisitorOpening {
    const named = this.#namedByOpening(message, origin);
    const failure = this.#openingFailure(message, origin, false, named);
    if (failure) return { ok: false, failure };
    const site = named.site;
    if (!site) throw new Error("an opening passed its row without a site");
    const version = negotiateVersion(message.versions) ?? 1;
    let visit = named.visit;
    if (!visit) {
      visit = new Visit(site.id, Date.now(), this.options.policy.policy.cobrowse.consentPause.seconds * 1000);
      this.#visits.set(visit.id, visit);
      this.#visitBySession.set(visit.cobrowseSessionId, visit);
      this.#openSession(visit);
    }
    this.#welcome(peer, visit, site, version, this.#issueToken(visit));
    return { ok: true, visit };
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
    this.#clock.clearTimeout(visit.graceTimer);
    visit.graceTimer = undefined;
    visit.peer = peer;
    visit.room?.attachVisitor(peer);
    if (previous && previous !== peer) previous.close(NORMAL_CLOSE, "resumed");
    this.#announce(visit);
    void this.#sharing?.changed(visit);
  }

  /** A resume token for the visit, known here and (as a hash) to the shared visit store. */
  #issueToken(visit: Visit, token = newResumeToken()): string {
    visit.tokenHash = tokenHash(token);
    return this.#tokens.adopt(visit.id, visit.siteId, token);
  }

  /**
   * A `resume` whose visit is held by no visit here, with a shared visit store: the visit (its
   * consent, its watchers, its chat) continues here, taken over from the server process that
   * held it, which may have stopped. Undefined when this does not apply (`openVisitor` answers).
   * Only the visitor's current resume token, presented from an origin of the visit's site, takes
   * a visit over; a refusal changes nothing anywhere.
   */
  takeOverVisitor(peer: Peer, message: Extract<VisitorMessage, { kind: "hello" | "resume" }>, origin: string): Promise<VisitorOpening> | undefined {
    const sharing = this.#sharing;
    if (!sharing || message.kind !== "resume" || this.#namedByOpening(message, origin).visit) return undefined;
    return this.#takeOver(sharing, peer, message, origin);
  }

  async #takeOver(sharing: VisitSharing, peer: Peer, message: Extract<VisitorMessage, { kind: "resume" }>, origin: string): Promise<VisitorOpening> {
    const siteIds = this.#sites.sitesWithOrigin(origin);
    const found = await sharing.store.lookup(message.resumeToken).catch(() => undefined);
    const site = found && siteIds.has(found.site) ? this.#sites.siteById(found.site) : undefined;
    const failure = this.#openingFailure(message, origin, false, site ? { site, found: true } : {});
    if (failure || !found || !site) return { ok: false, failure: failure ?? { code: "session_ended", message: "the resume token is unknown, used or expired" } };
    const nextToken = newResumeToken();
    const claimed = await sharing.store.claim(found.visit, message.resumeToken, nextToken, this.replica).catch(() => undefined);
    if (!claimed) return { ok: false, failure: { code: "session_ended", message: "the resume token is unknown, used or expired" } };
    const { data } = claimed;
    const visit = new Visit(site.id, Date.now(), this.options.policy.policy.cobrowse.consentPause.seconds * 1000, { id: claimed.visit, roomId: data.room, roomSince: data.roomSince, epoch: claimed.epoch });
    // The visitor's "no" still holds here for as long as it would have there.
    if (data.paused) visit.consentPause.restore(data.paused, this.#clock.now(), Date.now());
    const asks = data.session?.asks ?? [];
    this.#withdraw(visit, asks);
    this.#visits.set(visit.id, visit);
    this.#visitBySession.set(visit.cobrowseSessionId, visit);
    // A session someone watched continues with the visitor's consent as it was.
    if (data.session && (data.session.state === "active" || data.session.watchers.length > 0)) this.#openSession(visit, data.session);
    this.options.log.info({ visit: visit.id, site: site.id, epoch: claimed.epoch, session: visit.room !== undefined }, "visit taken over from another server process");
    if (data.session) this.options.audit("cobrowse.takeover", { room: visit.cobrowseSessionId, site: site.id, from: claimed.previousOwner, to: this.replica, epoch: claimed.epoch });
    this.#welcome(peer, visit, site, negotiateVersion(message.versions) ?? 1, this.#issueToken(visit, nextToken));
    // The prompt of a question nobody can answer any more closes on the visitor's page.
    for (const ask of asks) peer.send(JSON.stringify({ kind: "consent-cancel", request: ask.request } satisfies ServerToVisitor));
    // Agents of this server process in the session now reach it here.
    this.#router.ownerChanged(visit.cobrowseSessionId, this.replica);
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
    this.#announce(visit);
    return failure;
  }

  /** The visitor's socket closed: the visit (and its session) wait a short while for a resume, then end. */
  visitorClosed(visit: Visit, peer: Peer): void {
    if (visit.peer !== peer || visit.ended) return;
    visit.peer = undefined;
    visit.room?.detachVisitor(peer);
    const grace = this.options.visitorGraceMs ?? 30_000;
    visit.graceTimer = this.#clock.setTimeout(() => {
      visit.graceTimer = undefined;
      if (visit.peer) return;
      const sharing = this.#sharing;
      if (!sharing) return this.#endVisit(visit, "visitor_gone");
      // The visitor may have gone on at another server process: then the visit is its now.
      void sharing.owns(visit).then((owned) => {
        if (visit.peer || visit.ended) return;
        if (owned) this.#endVisit(visit, "visitor_gone");
        else this.#release(visit);
      });
    }, grace);
  }

  /** The site and visit an opening names, looked up without using anything up. */
  #namedByOpening(message: Extract<VisitorMessage, { kind: "hello" | "resume" }>, origin: string): { site?: RegisteredSite; visit?: Visit } {
    if (message.kind === "hello") {
      const site = this.#sites.site(message.siteKey);
      return site ? { site } : {};
    }
    const visitId = this.#tokens.visitOf(message.resumeToken, this.#sites.sitesWithOrigin(origin));
    const visit = visitId === undefined ? undefined : this.#visits.get(visitId);
    const site = visit && !visit.ended ? this.#sites.siteById(visit.siteId) : undefined;
    return visit && site ? { visit, site } : {};
  }

  /** Runs the opening's row (message-table.ts `openingTable`); `found`: a visit held elsewhere. */
  #openingFailure(message: Extract<VisitorMessage, { kind: "hello" | "resume" }>, origin: string, opened: boolean, named: { site?: RegisteredSite; visit?: Visit; found?: boolean }): Failure | undefined {
    const { site, visit } = named;
    return runChecks(openingChecks[message.kind], {
      message,
      origin,
      opened,
      site: site && { id: site.id, origins: site.policy.origins },
      visitFound: visit !== undefined || named.found === true,
      decide: (action) => (site ? this.#decide(action, { actor: "visitor", siteId: site.id, origin }) : { allow: false, reason: "no site" }),
    });
  }

  // ---- agents ------------------------------------------------------------------------------

  agentOpened(endpoint: AgentEndpoint): void {
    this.#router.open(endpoint);
  }

  /**
   * An agent's co-browse frame: its route row runs here, its room's rows at the room's owner. A
   * join of a session this server process has not heard of is looked up in the shared visit store
   * first (the answer is sent when it is known).
   */
  fromAgent(endpoint: AgentEndpoint, message: AgentMessage): Failure | undefined {
    const sharing = this.#sharing;
    if (message.kind === "join" && sharing && this.#ownerOf(message.room) === undefined) {
      void this.#joinUnheard(sharing, endpoint, message);
      return undefined;
    }
    return this.#router.fromSocket(endpoint, message);
  }

  /** The server process owning a session as known here (this one included), from the directory. */
  #ownerOf(session: string): string | undefined {
    return this.#visitBySession.has(session) ? this.replica : this.#directory.get(session)?.owner;
  }

  /**
   * A join of a session not (yet) in this server process's directory: freshly started, it has not
   * heard the owner's announcement, or the owner stopped. The shared visit store names the visit's
   * owner: alive (heard from lately), the join goes to it; gone, the session is moving (its
   * visitor's script reconnects to some server process, which takes it over) and the agent is told
   * to join again shortly. Nothing is kept for a refused join.
   */
  async #joinUnheard(sharing: VisitSharing, endpoint: AgentEndpoint, join: Extract<AgentMessage, { kind: "join" }>): Promise<void> {
    const found = await sharing.store.findSession(join.room).catch(() => undefined);
    if (!this.#router.isOpen(endpoint)) return;
    const owner = this.#ownerOf(join.room) ?? (found && this.#directory.alive(found.owner) ? found.owner : undefined);
    const failure: Failure | undefined =
      owner === undefined && found
        ? { code: "session_moving", message: "the session's server process stopped; join again in a moment" }
        : this.#router.fromSocket(endpoint, join, owner);
    if (failure) sendFailure(endpoint.peer, failure, "join");
  }

  /**
   * The agent's socket closed. `lost` when it was not closed on purpose (network, a closed tab):
   * its seat is then away and waits the policy's agentInactivity for the agent to come back.
   */
  agentClosed(endpoint: AgentEndpoint, lost = false): void {
    this.#router.closed(endpoint, lost);
  }

  agentEndpoints(): IterableIterator<AgentEndpoint> {
    return this.#router.endpoints();
  }

  /** Live sessions across the cluster (metadata only), oldest first. */
  cobrowseSessions(): RoomSummary[] {
    return this.#directory.list();
  }

  /** A session by its id, or the current (or next) session of a visit by the visit's id. */
  cobrowseSession(id: string): RoomSummary | undefined {
    const visit = this.#visitBySession.get(id) ?? this.#visits.get(id);
    if (visit) return this.#summary(visit);
    return this.#directory.get(id) ?? this.#directory.byVisit(id);
  }

  /**
   * Whether a co-browse session is running anywhere in the cluster (here, or announced by its owner
   * and not gone). Asset proxy URLs issued in a session die with it.
   */
  sessionLive(id: string): boolean {
    const local = this.#sessions.get(id);
    if (local) return local.state !== "ended";
    const remote = this.#directory.get(id);
    return remote !== undefined && remote.state !== "ended";
  }

  /** Page bytes held by this replica's sessions (tests of memory release; metrics). */
  retainedBytes(): number {
    let n = 0;
    for (const session of this.#sessions.values()) n += session.retainedBytes();
    return n;
  }

  /** Open co-browse sessions on this replica. */
  get localSessionCount(): number {
    return this.#sessions.size;
  }

  /** Visits of visitors connected to this replica (or within their resume grace). */
  get localVisitCount(): number {
    return this.#visits.size;
  }

  /**
   * Ends every visit and room of this replica (`server_shutdown`) and leaves the bus. With a
   * shared visit store the visits are not ended: their facts are saved and their memory released,
   * and the visitors' scripts continue them on another server process.
   */
  async shutdown(): Promise<void> {
    if (this.#announcer) clearInterval(this.#announcer);
    const sharing = this.#sharing;
    if (sharing) await Promise.all([...this.#visits.values()].map(async (visit) => {
      await sharing.changed(visit);
      this.#release(visit);
    }));
    for (const visit of [...this.#visits.values()]) this.#endVisit(visit, "server_shutdown");
    // With a shared visit store the agents come back through another server process: their seats wait.
    for (const endpoint of [...this.#router.endpoints()]) this.#router.closed(endpoint, sharing !== undefined);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  // ---- visits and sessions --------------------------------------------------------------------

  #openSession(visit: Visit, restore?: SharedSession): CobrowseSession {
    const { policy } = this.options;
    const site = this.#sites.siteById(visit.siteId);
    if (!site) throw new Error("visit of an unregistered site");
    const cobrowseSession: CobrowseSession = new CobrowseSession({
      id: visit.cobrowseSessionId,
      site: { id: site.id, origins: site.policy.origins },
      // Asset URLs in this room's content name it and expire with the longest session policy allows.
      sanitizer: this.#sites.sanitizer(site).forSession(visit.cobrowseSessionId, policy.policy.cobrowse.maxSession.minutes * 60_000),
      decide: (action, context) => this.#decide(action, context),
      clock: this.#clock,
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
      onChanged: () => void this.#sharing?.changed(visit),
      onEnded: (ended) => this.#sessionEnded(ended, visit),
      onAgentRemoved: (seat) => {
        this.#seats.forget(seat);
        this.#announce(visit);
      },
    });
    visit.room = cobrowseSession;
    this.#sessions.set(cobrowseSession.id, cobrowseSession);
    if (visit.peer) cobrowseSession.attachVisitor(visit.peer);
    this.options.log.info({ room: cobrowseSession.id, site: site.id }, "co-browse session opened");
    return cobrowseSession;
  }

  /** The session an agent's join names: an open one, or the next session of a visit, opened now. */
  #sessionToJoin(id: string): CobrowseSession | undefined {
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
    this.#seats.forgetSession(cobrowseSession);
    this.#directory.remove(cobrowseSession.id);
    this.options.bus.publish(roomsChannel, JSON.stringify({ t: "gone", room: cobrowseSession.id } satisfies RoomsEnvelope));
    if (visit.room !== cobrowseSession) return;
    this.#visitBySession.delete(cobrowseSession.id);
    visit.sessionEnded(Date.now());
    if (visit.ended) return;
    this.#visitBySession.set(visit.cobrowseSessionId, visit);
    this.#announce(visit);
    void this.#sharing?.changed(visit);
  }

  /**
   * Another server process continues the visit (it took it over, or this one is stopping): its
   * memory here goes without ending anything; a visitor connection still here is closed.
   */
  #release(visit: Visit): void {
    if (visit.ended) return;
    visit.ended = true;
    this.#clock.clearTimeout(visit.graceTimer);
    this.#tokens.revoke(visit.id);
    const session = visit.room;
    if (session) {
      session.release();
      this.#sessions.delete(session.id);
      this.#seats.forgetSession(session);
    }
    this.#visitBySession.delete(visit.cobrowseSessionId);
    this.#visits.delete(visit.id);
    this.#announced.delete(visit.id);
    this.#reported.delete(visit.id);
    visit.peer?.close(NORMAL_CLOSE, "resumed");
    visit.peer = undefined;
    this.options.log.info({ visit: visit.id }, "visit released to another server process");
  }

  /** The visit is over (visitor gone for good, shutdown): its session ends, its token dies. */
  #endVisit(visit: Visit, reason: EndReason): void {
    if (visit.ended) return;
    visit.ended = true;
    this.#clock.clearTimeout(visit.graceTimer);
    this.#tokens.revoke(visit.id);
    void this.#sharing?.ended(visit);
    const sessionId = visit.cobrowseSessionId;
    if (visit.room) visit.room.end(reason);
    else {
      this.#directory.remove(sessionId);
      this.options.bus.publish(roomsChannel, JSON.stringify({ t: "gone", room: sessionId } satisfies RoomsEnvelope));
    }
    this.#visitBySession.delete(sessionId);
    this.#visits.delete(visit.id);
    this.#announced.delete(visit.id);
    if (this.#reported.get(visit.id) === "active") this.#report(visit, "none");
    this.#reported.delete(visit.id);
  }

  #decide(action: string, context: PolicyContext): { allow: boolean; reason: string } {
    if (!isAction(action)) return { allow: false, reason: `unknown action ${action}` };
    return this.options.policy.decide(action, context);
  }

  #summary(visit: Visit): RoomSummary {
    const session = visit.room;
    return {
      room: visit.cobrowseSessionId,
      visit: visit.id,
      site: visit.siteId,
      owner: this.replica,
      state: session?.state ?? "waiting",
      mode: session?.mode ?? "view",
      agents: session?.agentCount ?? 0,
      since: visit.sessionSince,
      ...(this.#sharing ? { epoch: visit.epoch } : {}),
    };
  }

  /** Tells the cluster about a visit's session when its listed facts changed. */
  #announce(visit: Visit): void {
    if (visit.ended || !this.#visits.has(visit.id)) return;
    const state = visit.cobrowse;
    if ((this.#reported.get(visit.id) ?? "none") !== state) this.#report(visit, state);
    const summary = this.#summary(visit);
    if (summary.state === "ended") return;
    const text = JSON.stringify({ t: "room", summary } satisfies RoomsEnvelope);
    if (this.#announced.get(visit.id) === text) return;
    this.#announced.set(visit.id, text);
    this.#directory.put(summary);
    this.options.bus.publish(roomsChannel, text);
  }

  #report(visit: Visit, state: CobrowseState): void {
    this.#reported.set(visit.id, state);
    for (const listener of this.#stateListeners) {
      try {
        listener(visit.siteId, visit.id, state);
      } catch (err) {
        this.options.log.error({ err: err instanceof Error ? err.name : typeof err }, "relay: co-browse state listener failed");
      }
    }
  }

  #announceAll(): void {
    for (const visit of this.#visits.values()) {
      // Renews the visit's record in the shared visit store, which forgets it when nobody does.
      void this.#sharing?.changed(visit);
      const summary = this.#summary(visit);
      if (summary.state === "ended") continue;
      this.#directory.put(summary);
      this.options.bus.publish(roomsChannel, JSON.stringify({ t: "room", summary } satisfies RoomsEnvelope));
    }
  }

  // ---- bus ---------------------------------------------------------------------------------

  #onRoomsMessage(text: string): void {
    const envelope = readEnvelope(roomsEnvelope, text);
    if (!envelope) return this.options.log.warn("relay: malformed room directory message dropped");
    if (envelope.t === "sync") {
      if (envelope.from !== this.replica) this.#announceAll();
    } else if (envelope.t === "gone") {
      if (!this.#visitBySession.has(envelope.room)) this.#directory.remove(envelope.room);
    } else if (envelope.summary.owner !== this.replica) {
      this.#fromOtherOwner(envelope.summary);
    }
  }

  /**
   * Another server process announces a session. When it took over a visit this one holds (a
   * higher epoch), the store confirms it before this one lets the visit go; agents of this
   * server process in the session follow it to its new owner.
   */
  #fromOtherOwner(summary: RoomSummary): void {
    const held = this.#visits.get(summary.visit);
    const sharing = this.#sharing;
    if (held && sharing && (summary.epoch ?? 0) > held.epoch) {
      void sharing.owns(held).then((owned) => {
        if (!owned) this.#release(held);
      });
    }
    if (held && !this.#sharing) return;
    if (this.#directory.put(summary)) this.#router.ownerChanged(summary.room, summary.owner);
  }

  #onReplicaMessage(text: string): void {
    const frame = readFrameEnvelope(text);
    if (frame) return this.#router.deliver(frame.conn, frame.frame);
    const envelope = readEnvelope(replicaEnvelope, text);
    if (!envelope) return this.options.log.warn("relay: malformed replica message dropped");
    switch (envelope.t) {
      case "close":
        return this.#router.closeConnection(envelope.conn, envelope.code, envelope.reason);
      case "backlog": {
        const peer = this.#remotePeers.get(envelope.conn);
        if (peer) peer.backlog = envelope.bytes;
        return;
      }
      case "attach": {
        const peer = new RemotePeer(this.options.bus, envelope.from, envelope.conn);
        this.#remotePeers.set(envelope.conn, peer);
        return this.#fromAgentReplica(envelope, peer, envelope.principal);
      }
      case "agent":
        return this.#fromAgentReplica(envelope, this.#remotePeers.get(envelope.conn) ?? new RemotePeer(this.options.bus, envelope.from, envelope.conn), undefined);
      case "detach":
        this.#fromAgentReplica(envelope, undefined, undefined);
        this.#remotePeers.delete(envelope.conn);
        return;
    }
  }

  /** Owner side of an agent envelope, whether it came over the bus or from a socket here. */
  #fromAgentReplica(envelope: ReplicaEnvelope, peer: Peer | undefined, principal: AgentPrincipal | undefined): void {
    let session: CobrowseSession | undefined;
    if (envelope.t === "attach" && peer && principal) {
      this.#seats.attach(envelope.conn, envelope.room, peer, principal);
    } else if (envelope.t === "agent") {
      session = this.#seats.message(envelope.conn, envelope.msg, () => peer);
    } else if (envelope.t === "detach") {
      session = this.#seats.detach(envelope.conn, envelope.away === true);
    }
    const visit = session && this.#visitBySession.get(session.id);
    if (visit) this.#announce(visit);
  }

  /** Bus handlers must never throw into the bus; a failure is logged without content. */
  #guard(fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this.options.log.error({ err: err instanceof Error ? err.name : typeof err, stack: err instanceof Error ? err.stack?.split("\n").slice(1, 6).join("\n") : undefined }, "relay: bus message failed");
    }
  }
}
