import { randomBytes } from "node:crypto";
import type { Bus } from "../bus/bus.js";
import type { Logger } from "../ops/log.js";
import { isAction } from "../policy/actions.js";
import type { PolicyContext } from "../policy/decision.js";
import type { PolicyEngine } from "../policy/engine.js";
import type { AgentMessage } from "../protocol/agent-messages.js";
import type { CanvasSettings } from "../protocol/canvas.js";
import { LIMITS } from "../protocol/limits.js";
import type { WelcomeToVisitor } from "../protocol/server-messages.js";
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
import { RoomDirectory } from "./cluster/room-directory.js";
import { systemClock, type Clock } from "./clock.js";
import { fail, type Failure } from "./failure.js";
import type { AgentPrincipal, Peer } from "./peer.js";
import { ResumeTokens } from "./resume-tokens.js";
import { Room, type RoomAudit } from "./room.js";
import type { AssetUrlSigner } from "./sanitizer/asset-url.js";
import { SiteSanitizers, type RegisteredSite } from "./site-sanitizers.js";

export interface RelayOptions {
  readonly policy: PolicyEngine;
  readonly bus: Bus;
  readonly log: Logger;
  readonly signer: AssetUrlSigner;
  readonly audit: RoomAudit;
  /** Rooms' clock (inactivity, visitor grace); tests inject a manual one. */
  readonly clock?: Clock;
  /** How long a room waits for its visitor to resume after the connection dropped. */
  readonly visitorGraceMs?: number;
}

export type VisitorOpening = { ok: true; room: Room } | { ok: false; failure: Failure };

const ANNOUNCE_EVERY_MS = 10_000;
const DIRECTORY_TTL_MS = 35_000;

/**
 * The co-browse relay of one replica: owns the rooms of the visitors connected here, seats agents
 * (from this or another replica) in them, and keeps the cluster-wide room directory. Transport
 * agnostic: the WebSocket layer hands it parsed messages and Peers.
 */
export class Relay {
  readonly replica = randomBytes(12).toString("base64url");
  readonly #rooms = new Map<string, Room>();
  readonly #since = new Map<string, number>();
  readonly #announced = new Map<string, string>();
  readonly #graceTimers = new Map<string, unknown>();
  readonly #remotePeers = new Map<string, RemotePeer>();
  readonly #tokens = new ResumeTokens();
  readonly #directory = new RoomDirectory(() => Date.now(), DIRECTORY_TTL_MS);
  readonly #sites: SiteSanitizers;
  readonly #seats: OwnerSeats;
  readonly #router: AgentRouter;
  readonly #clock: Clock;
  readonly #unsubscribe: (() => void)[] = [];
  #announcer: NodeJS.Timeout | undefined;

  constructor(private readonly options: RelayOptions) {
    this.#clock = options.clock ?? systemClock;
    this.#sites = new SiteSanitizers(options.policy, options.signer);
    this.#seats = new OwnerSeats((id) => this.#rooms.get(id));
    this.#router = new AgentRouter(options.bus, {
      replica: this.replica,
      ownerOf: (room) => (this.#rooms.has(room) ? this.replica : this.#directory.get(room)?.owner),
      handleLocal: (envelope, peer, principal) => this.#fromAgentReplica(envelope, peer, principal),
    });
  }

  /** Joins the bus: this replica's own channel and the room directory; asks others for their rooms. */
  async start(): Promise<void> {
    const { bus } = this.options;
    this.#unsubscribe.push(await bus.subscribe(replicaChannel(this.replica), (text) => this.#guard(() => this.#onReplicaMessage(text))));
    this.#unsubscribe.push(await bus.subscribe(roomsChannel, (text) => this.#guard(() => this.#onRoomsMessage(text))));
    bus.publish(roomsChannel, JSON.stringify({ t: "sync", from: this.replica } satisfies RoomsEnvelope));
    this.#announcer = setInterval(() => this.#guard(() => this.#announceAll()), ANNOUNCE_EVERY_MS).unref();
  }

  // ---- visitors ----------------------------------------------------------------------------

  /** True when some registered site lists this exact origin (checked at the WebSocket handshake). */
  visitorOriginAllowed(origin: string): boolean {
    return this.#sites.sitesWithOrigin(origin).size > 0;
  }

  /** Handles `hello` (new room) or `resume` (the room of the token); sends the welcome. */
  openVisitor(peer: Peer, message: Extract<VisitorMessage, { kind: "hello" | "resume" }>, origin: string): VisitorOpening {
    const version = negotiateVersion(message.versions);
    if (version === undefined) return { ok: false, failure: fail("unsupported_version", "no protocol version in common") };
    let room: Room | undefined;
    let site: RegisteredSite | undefined;
    if (message.kind === "hello") {
      site = this.#sites.site(message.siteKey);
      if (!site || !site.policy.origins.includes(origin)) return { ok: false, failure: fail("origin_not_allowed", "the site key is not registered for this origin") };
    } else {
      const roomId = this.#tokens.consume(message.resumeToken, this.#sites.sitesWithOrigin(origin));
      room = roomId === undefined ? undefined : this.#rooms.get(roomId);
      if (!room || room.state === "ended") return { ok: false, failure: fail("session_ended", "the resume token is unknown, used or expired") };
      site = this.#sites.siteById(room.siteId);
      if (!site) return { ok: false, failure: fail("session_ended", "the site is no longer registered") };
    }
    const decision = this.#decide("visitor:connect", { actor: "visitor", siteId: site.id, origin });
    if (!decision.allow) return { ok: false, failure: fail("not_allowed", `denied by policy: ${decision.reason}`) };
    if (!urlInOrigins(message.url, site.policy.origins)) return { ok: false, failure: fail("origin_not_allowed", "the page is outside the site's registered origins") };

    room ??= this.#openRoom(site);
    const { canvas } = this.options.policy.policy.cobrowse;
    const welcome: WelcomeToVisitor & { privacy: { maskingSelectors: readonly string[]; maskInputValues: boolean; canvas?: CanvasSettings } } = {
      kind: "welcome",
      version,
      session: room.id,
      resumeToken: this.#tokens.issue(room.id, site.id),
      limits: LIMITS,
      privacy: {
        maskingSelectors: site.policy.maskingSelectors,
        maskInputValues: this.options.policy.policy.cobrowse.maskInputValues.enabled,
        // The script captures canvases only when told how; the relay still decides every image.
        ...(canvas.enabled ? { canvas: { intervalMs: canvas.intervalMs, maxBytes: canvas.maxBytes } } : {}),
      },
    };
    peer.send(JSON.stringify(welcome));
    const previous = room.visitor;
    this.#clock.clearTimeout(this.#graceTimers.get(room.id));
    this.#graceTimers.delete(room.id);
    room.attachVisitor(peer);
    if (previous && previous !== peer) previous.close(1000, "resumed");
    this.#announce(room);
    return { ok: true, room };
  }

  fromVisitor(room: Room, message: VisitorMessage, origin: string): Failure | undefined {
    const failure = room.fromVisitor(message, origin);
    this.#announce(room);
    return failure;
  }

  /** The visitor's socket closed: the room waits a short while for a resume, then ends. */
  visitorClosed(room: Room, peer: Peer): void {
    if (room.visitor !== peer || room.state === "ended") return;
    room.detachVisitor(peer);
    const grace = this.options.visitorGraceMs ?? 30_000;
    this.#graceTimers.set(
      room.id,
      this.#clock.setTimeout(() => {
        this.#graceTimers.delete(room.id);
        if (!room.visitor) room.end("visitor_gone");
      }, grace),
    );
  }

  // ---- agents ------------------------------------------------------------------------------

  agentOpened(endpoint: AgentEndpoint): void {
    this.#router.open(endpoint);
  }

  fromAgent(endpoint: AgentEndpoint, message: AgentMessage): void {
    this.#router.fromSocket(endpoint, message);
  }

  agentClosed(endpoint: AgentEndpoint): void {
    this.#router.closed(endpoint);
  }

  agentEndpoints(): IterableIterator<AgentEndpoint> {
    return this.#router.endpoints();
  }

  /** Live rooms across the cluster (metadata only), oldest first. */
  rooms(): RoomSummary[] {
    return this.#directory.list();
  }

  room(id: string): RoomSummary | undefined {
    return this.#rooms.has(id) ? this.#summary(this.#rooms.get(id) as Room) : this.#directory.get(id);
  }

  /** Page bytes held by this replica's rooms (tests of memory release; metrics). */
  retainedBytes(): number {
    let n = 0;
    for (const room of this.#rooms.values()) n += room.retainedBytes();
    return n;
  }

  get localRoomCount(): number {
    return this.#rooms.size;
  }

  /** Ends every room of this replica (`server_shutdown`) and leaves the bus. */
  shutdown(): void {
    if (this.#announcer) clearInterval(this.#announcer);
    for (const room of [...this.#rooms.values()]) room.end("server_shutdown");
    for (const endpoint of [...this.#router.endpoints()]) this.#router.closed(endpoint);
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
  }

  // ---- rooms -------------------------------------------------------------------------------

  #openRoom(site: RegisteredSite): Room {
    const { policy } = this.options;
    const room: Room = new Room({
      site: { id: site.id, origins: site.policy.origins },
      sanitizer: this.#sites.sanitizer(site),
      decide: (action, context) => this.#decide(action, context as PolicyContext),
      clock: this.#clock,
      inactivityMs: policy.policy.cobrowse.agentInactivity.seconds * 1000,
      maskInputValues: policy.policy.cobrowse.maskInputValues.enabled,
      canvas: { intervalMs: policy.policy.cobrowse.canvas.intervalMs, maxBytes: policy.policy.cobrowse.canvas.maxBytes },
      audit: this.options.audit,
      onEnded: (ended) => this.#roomEnded(ended),
      onAgentRemoved: (seat) => {
        this.#seats.forget(seat);
        this.#announce(room);
      },
    });
    this.#rooms.set(room.id, room);
    this.#since.set(room.id, Date.now());
    this.options.log.info({ room: room.id, site: site.id }, "co-browse session opened");
    return room;
  }

  #roomEnded(room: Room): void {
    this.options.log.info({ room: room.id, site: room.siteId }, "co-browse session ended");
    this.#rooms.delete(room.id);
    this.#since.delete(room.id);
    this.#announced.delete(room.id);
    this.#tokens.revoke(room.id);
    this.#clock.clearTimeout(this.#graceTimers.get(room.id));
    this.#graceTimers.delete(room.id);
    this.#seats.forgetRoom(room);
    this.#directory.remove(room.id);
    this.options.bus.publish(roomsChannel, JSON.stringify({ t: "gone", room: room.id } satisfies RoomsEnvelope));
  }

  #decide(action: string, context: PolicyContext): { allow: boolean; reason: string } {
    if (!isAction(action)) return { allow: false, reason: `unknown action ${action}` };
    return this.options.policy.decide(action, context);
  }

  #summary(room: Room): RoomSummary {
    return {
      room: room.id,
      site: room.siteId,
      owner: this.replica,
      state: room.state,
      mode: room.mode,
      agents: room.agentCount,
      since: this.#since.get(room.id) ?? 0,
    };
  }

  /** Tells the cluster about a room when its listed facts changed. */
  #announce(room: Room): void {
    if (room.state === "ended" || !this.#rooms.has(room.id)) return;
    const summary = this.#summary(room);
    const text = JSON.stringify({ t: "room", summary } satisfies RoomsEnvelope);
    if (this.#announced.get(room.id) === text) return;
    this.#announced.set(room.id, text);
    this.#directory.put(summary);
    this.options.bus.publish(roomsChannel, text);
  }

  #announceAll(): void {
    for (const room of this.#rooms.values()) {
      const summary = this.#summary(room);
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
      if (!this.#rooms.has(envelope.room)) this.#directory.remove(envelope.room);
    } else if (envelope.summary.owner !== this.replica) {
      this.#directory.put(envelope.summary);
    }
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
    let room: Room | undefined;
    if (envelope.t === "attach" && peer && principal) {
      this.#seats.attach(envelope.conn, envelope.room, peer, principal);
    } else if (envelope.t === "agent") {
      room = this.#seats.message(envelope.conn, envelope.msg, () => peer);
    } else if (envelope.t === "detach") {
      room = this.#seats.detach(envelope.conn);
    }
    if (room) this.#announce(room);
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

function urlInOrigins(url: string, origins: readonly string[]): boolean {
  try {
    return origins.includes(new URL(url).origin);
  } catch {
    return false;
  }
}
