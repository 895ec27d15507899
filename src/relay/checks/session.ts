import { fail } from "../failure.js";
import { check } from "./check.js";

/** The session has not ended. */
export const live = check<unknown>("live", ({ room: cobrowseSession }) => (cobrowseSession.state === "ended" ? fail("session_ended", "the co-browse session is over") : undefined));

/** Page events make sense only after a snapshot established the tree. */
export const hasSnapshot = check<unknown>("snapshot", ({ room: session }) =>
  session.hasSnapshot ? undefined : fail("wrong_state", "send a snapshot first"),
);

/** Agent connection has joined this session. */
export const joined = check<unknown>("joined", ({ agent }) => (agent?.joined ? undefined : fail("wrong_state", "join the co-browse session first")));

/** An agent joins a session once per connection. */
export const notJoined = check<unknown>("not-joined", ({ agent }) => (agent?.joined ? fail("wrong_state", "already joined") : undefined));
