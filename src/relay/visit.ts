import { randomBytes } from "node:crypto";
import { ConsentPause } from "./consent-pause.js";
import type { CobrowseMode } from "../protocol/fields.js";
import type { Peer } from "./peer.js";
import type { CobrowseSession } from "./cobrowse-session.js";

/** 128 random bits, URL-safe: ids of visits and sessions. */
export function randomId(): string {
  return randomBytes(16).toString("base64url");
}

/** What the live visitor list shows of a visit's co-browsing. */
export type CobrowseState = "none" | "active";

/**
 * One visitor's tab session on a site, held by the replica that has the visitor's socket. It
 * outlives page loads (the script resumes it) and co-browse sessions: chat runs on its connection
 * for the whole visit, while each co-browse session is a session of its own that starts and ends
 * within it. Nothing identifies the visitor beyond this random id, which the script keeps in the
 * tab's session storage and forgets with the tab.
 *
 * The visit always knows the id of its current session or, after a session ended, of the next one:
 * that session opens only when an agent joins it, so an ended session's memory is gone at once and
 * the console can still offer the visitor by a stable id.
 */
export class Visit {
  readonly id: string;
  /** The visitor's live connection; undefined between pages (waiting for a resume). */
  peer: Peer | undefined;
  /** The running co-browse session, if one is open. */
  room: CobrowseSession | undefined;
  /** Id of `room`, or of the session the next co-browse session will open. */
  cobrowseSessionId = randomId();
  /** When `roomId` was assigned (the console lists sessions oldest first). */
  sessionSince: number;
  /** Pending end of the visit while no connection is attached. */
  graceTimer: unknown;
  ended = false;
  /** The visitor's "no" holds for the whole visit: a new session does not reset the pause. */
  readonly consentPause: ConsentPause;
  /** This server process's ownership of the visit in the shared visit store (fences its writes). */
  epoch = 1;
  /** Hash of the visit's current resume token, as the shared visit store holds it. */
  tokenHash = "";
  /**
   * After a takeover: the modes of the questions each agent (by IdP subject) had asked and the
   * visitor had not answered. They were withdrawn; the agent is told when it rejoins.
   */
  readonly withdrawnAsks = new Map<string, CobrowseMode[]>();

  constructor(
    readonly siteId: string,
    now: number,
    consentPauseMs = 60_000,
    /** A visit taken over from another server process keeps its ids. */
    continued?: { readonly id: string; readonly roomId: string; readonly roomSince: number; readonly epoch: number },
  ) {
    this.id = continued?.id ?? randomId();
    this.cobrowseSessionId = continued?.roomId ?? this.cobrowseSessionId;
    this.sessionSince = continued?.roomSince ?? now;
    this.epoch = continued?.epoch ?? 1;
    this.consentPause = new ConsentPause(consentPauseMs);
  }

  /** The co-browse session ended; the next session gets a new id, never the ended one's. */
  sessionEnded(now: number): void {
    this.room = undefined;
    this.cobrowseSessionId = randomId();
    this.sessionSince = now;
  }

  get cobrowse(): CobrowseState {
    return this.room?.state === "active" ? "active" : "none";
  }
}
