import type { Bus } from "../../bus/bus.js";
import type { Logger } from "../../ops/log.js";
import type { CobrowseState, Visit } from "../visit.js";
import { readEnvelope, roomsChannel, roomsEnvelope, type RoomSummary, type RoomsEnvelope } from "./envelopes.js";
import { CobrowseSessionDirectory } from "./session-directory.js";

/** Hears a visit's co-browse state change (the live visitor list shows it). */
export type CobrowseStateListener = (site: string, visit: string, state: CobrowseState) => void;

/** How long a session not announced again stays listed (owners announce every 10 s). */
const DIRECTORY_TTL_MS = 35_000;

/** What the directory needs from the visits of this server process. */
export interface LocalVisits {
  /** Every visit held here. */
  all(): Iterable<Visit>;
  /** A visit held here, by its id. */
  byId(visit: string): Visit | undefined;
  /** Whether a visit held here has this session (current or next) id. */
  holdsSession(session: string): boolean;
  /**
   * Another server process announced a visit held here with a higher epoch (it took the visit
   * over): the visits side checks the shared store and lets the visit go if it confirms.
   */
  announcedElsewhere(visit: Visit): void;
}

export interface ClusterSessionsOptions {
  readonly replica: string;
  readonly bus: Bus;
  readonly log: Logger;
  /** With a shared visit store, announcements carry the owner's epoch. */
  readonly shared: boolean;
  readonly visits: LocalVisits;
  /** A session's owner changed (a takeover elsewhere): agents here follow it. */
  readonly ownerChanged: (session: string, owner: string) => void;
}

/**
 * The co-browse session directory of one server process: announces the sessions of the visits
 * held here (metadata only) on every change and every 10 s, keeps what the others announce
 * (CobrowseSessionDirectory), and tells this process's listeners when a visit starts or stops
 * being co-browsed. Readable on its own: visits call `announce`/`withdraw`, the bus calls
 * `fromBus`.
 */
export class ClusterSessions {
  readonly #directory = new CobrowseSessionDirectory(() => Date.now(), DIRECTORY_TTL_MS);
  /** The last announcement of each visit held here (unchanged facts are not sent again). */
  readonly #announced = new Map<string, string>();
  readonly #reported = new Map<string, CobrowseState>();
  readonly #stateListeners = new Set<CobrowseStateListener>();

  constructor(private readonly options: ClusterSessionsOptions) {}

  /** Asks every other server process for its sessions (at start). */
  sync(): void {
    this.#publish({ t: "sync", from: this.options.replica });
  }

  onCobrowseState(listener: CobrowseStateListener): () => void {
    this.#stateListeners.add(listener);
    return () => this.#stateListeners.delete(listener);
  }

  /** The owner of a session as announced (not this process's own visits). */
  get(session: string): RoomSummary | undefined {
    return this.#directory.get(session);
  }

  byVisit(visit: string): RoomSummary | undefined {
    return this.#directory.byVisit(visit);
  }

  list(): RoomSummary[] {
    return this.#directory.list();
  }

  /** Whether a server process was heard from lately. */
  alive(process: string): boolean {
    return this.#directory.alive(process);
  }

  /** A visit held here as the directory lists it. */
  summary(visit: Visit): RoomSummary {
    const session = visit.room;
    return {
      room: visit.cobrowseSessionId,
      visit: visit.id,
      site: visit.siteId,
      owner: this.options.replica,
      state: session?.state ?? "waiting",
      mode: session?.mode ?? "view",
      agents: session?.agentCount ?? 0,
      since: visit.sessionSince,
      ...(this.options.shared ? { epoch: visit.epoch } : {}),
    };
  }

  /** Tells the cluster about a visit's session when its listed facts changed. */
  announce(visit: Visit): void {
    if (visit.ended || this.options.visits.byId(visit.id) !== visit) return;
    const state = visit.cobrowse;
    if ((this.#reported.get(visit.id) ?? "none") !== state) this.#report(visit, state);
    const summary = this.summary(visit);
    if (summary.state === "ended") return;
    const text = JSON.stringify({ t: "room", summary } satisfies RoomsEnvelope);
    if (this.#announced.get(visit.id) === text) return;
    this.#announced.set(visit.id, text);
    this.#directory.put(summary);
    this.options.bus.publish(roomsChannel, text);
  }

  /** Announces every visit held here again (the heartbeat; an answer to `sync`). */
  announceAll(): void {
    for (const visit of this.options.visits.all()) {
      const summary = this.summary(visit);
      if (summary.state === "ended") continue;
      this.#directory.put(summary);
      this.#publish({ t: "room", summary });
    }
  }

  /** A session is over: the cluster forgets it. */
  sessionGone(session: string): void {
    this.#directory.remove(session);
    this.#publish({ t: "gone", room: session });
  }

  /**
   * A visit is no longer held here. `ended`: it is over, and listeners hear that it is no
   * longer co-browsed; released visits (continued elsewhere) are reported by their new owner.
   */
  forget(visit: Visit, ended: boolean): void {
    this.#announced.delete(visit.id);
    if (ended && this.#reported.get(visit.id) === "active") this.#report(visit, "none");
    this.#reported.delete(visit.id);
  }

  /** A message on the directory channel. */
  fromBus(text: string): void {
    const envelope = readEnvelope(roomsEnvelope, text);
    if (!envelope) return this.options.log.warn("relay: malformed room directory message dropped");
    if (envelope.t === "sync") {
      if (envelope.from !== this.options.replica) {
        this.#directory.heard(envelope.from);
        this.announceAll();
      }
    } else if (envelope.t === "gone") {
      if (!this.options.visits.holdsSession(envelope.room)) this.#directory.remove(envelope.room);
    } else if (envelope.summary.owner !== this.options.replica) {
      this.#fromOtherOwner(envelope.summary);
    }
  }

  /**
   * Another server process announces a session. When it took over a visit this one holds (a
   * higher epoch), the visits side lets it go once the store confirms; agents of this server
   * process in the session follow it to its new owner.
   */
  #fromOtherOwner(summary: RoomSummary): void {
    const held = this.options.visits.byId(summary.visit);
    if (held && this.options.shared && (summary.epoch ?? 0) > held.epoch) this.options.visits.announcedElsewhere(held);
    if (held && !this.options.shared) return;
    if (this.#directory.put(summary)) this.options.ownerChanged(summary.room, summary.owner);
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

  #publish(envelope: RoomsEnvelope): void {
    this.options.bus.publish(roomsChannel, JSON.stringify(envelope));
  }
}
