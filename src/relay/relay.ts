import { randomBytes } from "node:crypto";
import type { Bus } from "../bus/bus.js";
import type { Logger } from "../ops/log.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { AgentMessage } from "../protocol/agent-messages.js";
import type { VisitorMessage } from "../protocol/visitor-messages.js";
import { AgentRouter, type AgentEndpoint } from "./cluster/agent-router.js";
import { ClusterSessions, type CobrowseStateListener } from "./cluster/cluster-sessions.js";
import { readEnvelope, readFrameEnvelope, replicaChannel, replicaEnvelope, roomsChannel, type ReplicaEnvelope, type RoomSummary } from "./cluster/envelopes.js";
import { OwnerSeats } from "./cluster/owner-seats.js";
import { RemotePeer } from "./cluster/remote-peer.js";
import { systemClock, type Clock } from "./clock.js";
import type { CobrowseSession, CobrowseSessionAudit } from "./cobrowse-session.js";
import { sendFailure, type Failure } from "./failure.js";
import type { AgentPrincipal, Peer } from "./peer.js";
import type { AssetUrlSigner } from "./sanitizer/asset-url.js";
import { SiteSanitizers } from "./site-sanitizers.js";
import type { Visit } from "./visit.js";
import type { VisitStore } from "./visits/shared-visit.js";
import type { VisitSharing } from "./visits/visit-sharing.js";
import { Visits, type VisitorOpening } from "./visits/visits.js";

export type { CobrowseStateListener } from "./cluster/cluster-sessions.js";
export type { VisitorOpening } from "./visits/visits.js";

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

const ANNOUNCE_EVERY_MS = 10_000;

/**
 * The co-browse relay of one server process, wiring its two halves: the visits held here with
 * their co-browse sessions (visits/visits.ts: opening, resume, grace, takeover) and the cluster's
 * session directory (cluster/cluster-sessions.ts: announcements, owners, state listeners), plus
 * the agents' routes and seats (from this or another server process). Transport agnostic: the
 * WebSocket layer hands it parsed messages and Peers.
 */
export class Relay {
  readonly replica = randomBytes(12).toString("base64url");
  readonly #remotePeers = new Map<string, RemotePeer>();
  readonly #visits: Visits;
  readonly #sessions: ClusterSessions;
  readonly #sites: SiteSanitizers;
  readonly #seats: OwnerSeats;
  readonly #router: AgentRouter;
  readonly #unsubscribe: (() => void)[] = [];
  #announcer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RelayOptions) {
    this.#sites = new SiteSanitizers(options.policy, options.signer);
    this.#visits = new Visits({
      replica: this.replica,
      policy: options.policy,
      log: options.log,
      audit: options.audit,
      clock: options.clock ?? systemClock,
      sites: this.#sites,
      ...(options.visitorGraceMs === undefined ? {} : { visitorGraceMs: options.visitorGraceMs }),
      ...(options.visitStore ? { visitStore: options.visitStore } : {}),
      events: {
        changed: (visit) => this.#sessions.announce(visit),
        sessionGone: (session) => this.#sessions.sessionGone(session),
        forgotten: (visit, ended) => this.#sessions.forget(visit, ended),
        takenOver: (session) => this.#router.ownerChanged(session, this.replica),
        seatRemoved: (seat) => this.#seats.forget(seat),
        sessionDropped: (session) => this.#seats.forgetSession(session),
      },
    });
    this.#sessions = new ClusterSessions({
      replica: this.replica,
      bus: options.bus,
      log: options.log,
      shared: options.visitStore !== undefined,
      visits: {
        all: () => this.#visits.all(),
        byId: (id) => this.#visits.byId(id),
        holdsSession: (session) => this.#visits.bySession(session) !== undefined,
        announcedElsewhere: (visit) => this.#visits.announcedElsewhere(visit),
      },
      ownerChanged: (session, owner) => this.#router.ownerChanged(session, owner),
    });
    this.#seats = new OwnerSeats((id) => this.#visits.sessionToJoin(id));
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
    this.#unsubscribe.push(await bus.subscribe(roomsChannel, (text) => this.#guard(() => this.#sessions.fromBus(text))));
    this.#sessions.sync();
    this.#announcer = setInterval(
      () =>
        this.#guard(() => {
          // Renews the visits' records in the shared visit store, which forgets them when nobody does.
          this.#visits.renewAll();
          this.#sessions.announceAll();
        }),
      ANNOUNCE_EVERY_MS,
    ).unref();
  }

  /** Tells `listener` whenever a visit of this replica starts or stops being co-browsed. */
  onCobrowseState(listener: CobrowseStateListener): () => void {
    return this.#sessions.onCobrowseState(listener);
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
    return this.#visits.open(peer, message, origin);
  }

  /**
   * A `resume` of a visit held by no visit here, with a shared visit store: taken over from the
   * server process that held it (see Visits.takeOver). Undefined when this does not apply.
   */
  takeOverVisitor(peer: Peer, message: Extract<VisitorMessage, { kind: "hello" | "resume" }>, origin: string): Promise<VisitorOpening> | undefined {
    return this.#visits.takeOver(peer, message, origin);
  }

  /** A co-browse frame of the visit: its running session checks and handles it. */
  fromVisitor(visit: Visit, message: VisitorMessage, origin: string): Failure | undefined {
    return this.#visits.fromVisitor(visit, message, origin);
  }

  /** The visitor's socket closed: the visit (and its session) wait a short while for a resume, then end. */
  visitorClosed(visit: Visit, peer: Peer): void {
    this.#visits.visitorClosed(visit, peer);
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
    const sharing = this.#visits.sharing;
    if (message.kind === "join" && sharing && this.#ownerOf(message.room) === undefined) {
      void this.#joinUnheard(sharing, endpoint, message);
      return undefined;
    }
    return this.#router.fromSocket(endpoint, message);
  }

  /** The server process owning a session as known here (this one included), from the directory. */
  #ownerOf(session: string): string | undefined {
    return this.#visits.bySession(session) ? this.replica : this.#sessions.get(session)?.owner;
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
    const owner = this.#ownerOf(join.room) ?? (found && this.#sessions.alive(found.owner) ? found.owner : undefined);
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

  // ---- the session directory ---------------------------------------------------------------

  /** Live sessions across the cluster (metadata only), oldest first. */
  cobrowseSessions(): RoomSummary[] {
    return this.#sessions.list();
  }

  /** A session by its id, or the current (or next) session of a visit by the visit's id. */
  cobrowseSession(id: string): RoomSummary | undefined {
    const visit = this.#visits.bySession(id) ?? this.#visits.byId(id);
    if (visit) return this.#sessions.summary(visit);
    return this.#sessions.get(id) ?? this.#sessions.byVisit(id);
  }

  /**
   * Whether a co-browse session is running anywhere in the cluster (here, or announced by its owner
   * and not gone). Asset proxy URLs issued in a session die with it.
   */
  sessionLive(id: string): boolean {
    const local = this.#visits.session(id);
    if (local) return local.state !== "ended";
    const remote = this.#sessions.get(id);
    return remote !== undefined && remote.state !== "ended";
  }

  /** Page bytes held by this replica's sessions (tests of memory release; metrics). */
  retainedBytes(): number {
    return this.#visits.retainedBytes();
  }

  /** Open co-browse sessions on this replica. */
  get localSessionCount(): number {
    return this.#visits.sessionCount;
  }

  /** Visits of visitors connected to this replica (or within their resume grace). */
  get localVisitCount(): number {
    return this.#visits.count;
  }

  /**
   * Ends every visit and room of this replica (`server_shutdown`) and leaves the bus. With a
   * shared visit store the visits are not ended: their facts are saved and their memory released,
   * and the visitors' scripts continue them on another server process.
   */
  async shutdown(): Promise<void> {
    if (this.#announcer) clearInterval(this.#announcer);
    await this.#visits.shutdown();
    // With a shared visit store the agents come back through another server process: their seats wait.
    for (const endpoint of [...this.#router.endpoints()]) this.#router.closed(endpoint, this.#visits.sharing !== undefined);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  // ---- bus ---------------------------------------------------------------------------------

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
    const visit = session && this.#visits.bySession(session.id);
    if (visit) this.#sessions.announce(visit);
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
