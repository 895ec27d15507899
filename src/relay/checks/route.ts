import { fail } from "../failure.js";
import { checkOf, type CheckOf } from "./check.js";

// Checks of a message on its way to its session. An agent's: on the agent's replica (is the session
// anywhere in the cluster? did this connection join one?) and again at the room's owner (is the
// session open here? is the connection seated?). A visitor's co-browse frame: is a co-browse session
// of the visit running?

export interface RouteInput<M> {
  readonly message: M;
  readonly route: {
    /** The session the message names is open (or is a visit's next session, which joining opens). */
    readonly sessionFound: boolean;
    /** The connection joined a session and holds its way there. */
    readonly inSession: boolean;
  };
}

export type RouteCheck = CheckOf<RouteInput<unknown>>;

export const sessionFound: RouteCheck = checkOf("session-found", ({ route }) => (route.sessionFound ? undefined : fail("session_ended", "no such co-browse session")));

export const inSession: RouteCheck = checkOf("in-session", ({ route }) => (route.inSession ? undefined : fail("wrong_state", "join the co-browse session first")));

/** What a visitor frame's way to its session may look at. */
export interface VisitInput<M> {
  readonly message: M;
  /** A co-browse session (session) of the visit is running. */
  readonly roomRunning: boolean;
}

/** The visit has a running co-browse session (a visit outlives its sessions; chat goes on). */
export const sessionRunning = checkOf<VisitInput<unknown>>("session-running", ({ roomRunning: sessionRunning }) => (sessionRunning ? undefined : fail("session_ended", "no co-browse session is running")));
