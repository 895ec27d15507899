import { fail } from "../failure.js";
import { check } from "./check.js";

/** The session has not ended. */
export const live = check<unknown>("live", ({ room }) => (room.state === "ended" ? fail("session_ended", "the co-browse session is over") : undefined));

/** Page events make sense only after a snapshot established the tree. */
export const hasSnapshot = check<unknown>("snapshot", ({ room }) =>
  room.hasSnapshot ? undefined : fail("wrong_state", "send a snapshot first"),
);

/** Agent connection has joined this room. */
export const joined = check<unknown>("joined", ({ agent }) => (agent?.joined ? undefined : fail("wrong_state", "join a room first")));

/** An agent joins a room once per connection. */
export const notJoined = check<unknown>("not-joined", ({ agent }) => (agent?.joined ? fail("wrong_state", "already joined") : undefined));
