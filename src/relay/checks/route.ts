import { fail } from "../failure.js";
import { checkOf, type CheckOf } from "./check.js";

// Checks of a message on its way to its room. An agent's: on the agent's replica (is the room
// anywhere in the cluster? did this connection join one?) and again at the room's owner (is the
// room open here? is the connection seated?). A visitor's co-browse frame: is a co-browse session
// of the visit running?

export interface RouteInput<M> {
  readonly message: M;
  readonly route: {
    /** The room the message names is open (or is a visit's next room, which joining opens). */
    readonly roomFound: boolean;
    /** The connection joined a room and holds its way there. */
    readonly inRoom: boolean;
  };
}

export type RouteCheck = CheckOf<RouteInput<unknown>>;

export const roomFound: RouteCheck = checkOf("room-found", ({ route }) => (route.roomFound ? undefined : fail("session_ended", "no such co-browse session")));

export const inRoom: RouteCheck = checkOf("in-room", ({ route }) => (route.inRoom ? undefined : fail("wrong_state", "join a room first")));

/** What a visitor frame's way to its room may look at. */
export interface VisitInput<M> {
  readonly message: M;
  /** A co-browse session (room) of the visit is running. */
  readonly roomRunning: boolean;
}

/** The visit has a running co-browse session (a visit outlives its sessions; chat goes on). */
export const roomRunning = checkOf<VisitInput<unknown>>("room-running", ({ roomRunning }) => (roomRunning ? undefined : fail("session_ended", "no co-browse session is running")));
