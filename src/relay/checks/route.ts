import { fail } from "../failure.js";
import { checkOf, type CheckOf } from "./check.js";

// Checks of an agent message on its way to the room it names: on the agent's replica (is the
// room anywhere in the cluster? did this connection join one?) and again at the room's owner
// (is the room open here? is the connection seated?).

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
