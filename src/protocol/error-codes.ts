// Error codes carried by `error` frames and close reasons. Stable: clients switch on them.
export const PROTOCOL_ERROR_CODES = [
  "bad_json", // frame is not a JSON object
  "bad_frame", // frame does not match the schema of its kind (or the kind is unknown)
  "frame_too_large", // frame exceeds LIMITS.maxFrameBytes
  "unsupported_version", // no protocol version in common
  "rate_limited", // more messages than the connection's rate allows
  "too_many_visits", // the client address opened more new visits than visitsPerClientPerMinute allows
  "too_many_nodes", // snapshot or subtree with more elements than allowed
  "too_deep", // snapshot or subtree nested deeper than allowed
  "too_many_ops", // mutation batch larger than allowed
  "value_too_long", // attribute, text, input value or URL longer than allowed
  "unknown_node", // message names a node id the room does not know
  "node_masked", // control event or mutation aimed at a masked / nosync node
  "masked_value", // control value carrying the mask placeholder, or editing a masked field where policy forbids it
  "bad_image", // canvas image whose bytes are not the declared image type, or too many pixels
  "not_allowed", // the policy engine denied the action
  "no_consent", // the visitor has not granted the needed mode
  "ask_paused", // the visitor said no a moment ago: the same question waits out the policy's pause (consentPause)
  "wrong_mode", // the action needs control mode but the session is in view mode
  "wrong_state", // message not valid in the session's current state (e.g. before hello)
  "origin_not_allowed", // URL or Origin outside the site's registered origins
  "session_ended", // the co-browse session is over
  "internal", // the server failed; the connection may retry
] as const;

export type ProtocolErrorCode = (typeof PROTOCOL_ERROR_CODES)[number];

/**
 * Why a co-browse session (or one agent's seat in it) ended; both sides receive it in the final
 * `state` frame, and the audit entry of the end names it.
 */
export const END_REASONS = [
  "visitor_ended",
  "agent_left",
  // The agent's viewer was hidden or disconnected for the policy's agentInactivity.
  "agent_away",
  // The session reached the policy's maxSession.
  "session_limit",
  "visitor_gone",
  "consent_revoked",
  "removed_by_visitor",
  "server_shutdown",
  "protocol_violation",
] as const;

export type EndReason = (typeof END_REASONS)[number];
