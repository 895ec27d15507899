// Airlock's one error model: every error code a client can receive, with the HTTP status of a
// response that carries it and the WebSocket close code of a connection it ends. Stable: clients
// switch on the codes. HTTP responses (src/http/errors.ts), `error` and `chat-error` frames, and
// every close of /ws/visitor and /ws/agent take their numbers from here and nowhere else.
//
// Close codes 4000-4999 are Airlock's own; their low digits are the HTTP status (4401 ↔ 401).
// The rest are the standard ones: 1001 going away, 1008 policy violation, 1009 message too big,
// 1011 server error.

interface ErrorModel {
  readonly status: number;
  readonly close: number;
}

const model = (status: number, close: number): ErrorModel => ({ status, close });

export const ERROR_CODES = {
  // ---- requests (HTTP; AirlockError in src/errors.ts)
  bad_request: model(400, 1008), // the request is not valid HTTP, or not what the route takes
  request_timeout: model(408, 4408), // the request (or a visitor's opening frame) did not arrive in time
  headers_too_large: model(431, 1008),
  invalid_body: model(400, 1008), // the body does not match the route's schema
  payload_too_large: model(413, 1009), // also a frame far beyond the frame limit (the transport's own close)
  unsupported_media_type: model(415, 1008),
  unauthenticated: model(401, 4401), // no, an expired or a used ticket or login session
  forbidden: model(403, 4403), // the policy refused the principal
  origin_not_allowed: model(403, 4403), // URL or Origin outside the site's registered origins
  not_found: model(404, 1008),
  method_not_allowed: model(405, 1008),
  not_implemented: model(501, 1011),
  conflict: model(409, 1008),
  rate_limited: model(429, 4429), // more requests or messages than allowed; a socket that kept on is closed
  too_many_connections: model(429, 4429),
  not_ready: model(503, 1011),
  shutting_down: model(503, 1001), // graceful shutdown: reconnect to another replica
  // Asset proxy (src/relay/asset-proxy): refusals of the request itself are 403, upstream trouble 502/504;
  // a URL that was valid once (past its expiry, or its co-browse session is over) is 410.
  asset_signature_invalid: model(403, 1008),
  asset_url_expired: model(410, 1008),
  asset_room_ended: model(410, 1008),
  asset_origin_refused: model(403, 1008),
  asset_address_refused: model(403, 1008),
  asset_type_refused: model(502, 1011),
  asset_too_large: model(502, 1011),
  asset_upstream_failed: model(502, 1011),
  asset_timeout: model(504, 1011),
  internal: model(500, 1011), // the server failed; the client may retry

  // ---- frames (`error` and `chat-error`); a refused opening frame closes with its close code
  bad_json: model(400, 4400), // frame is not a JSON object
  bad_frame: model(400, 4400), // frame does not match the schema of its kind (or the kind is unknown)
  frame_too_large: model(400, 4400), // frame exceeds LIMITS.maxFrameBytes
  unsupported_version: model(400, 4400), // no protocol version in common
  too_many_visits: model(429, 4429), // the client address opened more new visits than visitsPerClientPerMinute allows
  too_many_nodes: model(400, 4400), // snapshot or subtree with more elements than allowed
  too_deep: model(400, 4400), // snapshot or subtree nested deeper than allowed
  too_many_ops: model(400, 4400), // mutation batch larger than allowed
  too_many_strokes: model(400, 4400), // guidance: more freehand strokes on the visitor's page than GUIDANCE_LIMITS allows (clear first)
  value_too_long: model(400, 4400), // attribute, text, input value or URL longer than allowed
  unknown_node: model(400, 4400), // message names a node id the room does not know
  node_masked: model(400, 4400), // control event or mutation aimed at a masked / nosync node
  masked_value: model(400, 4400), // control value carrying the mask placeholder, or editing a masked field where policy forbids it
  bad_image: model(400, 4400), // canvas image whose bytes are not the declared image type, or too many pixels
  not_allowed: model(403, 4403), // the policy engine denied the action
  no_consent: model(400, 4400), // the visitor has not granted the needed mode
  ask_paused: model(400, 4400), // the visitor said no a moment ago: the same question waits out the policy's pause (consentPause)
  wrong_mode: model(400, 4400), // the action needs control mode but the session is in view mode
  wrong_state: model(400, 4400), // message not valid in the session's current state (e.g. before hello)
  account_deactivated: model(403, 4403), // the agent's IdP deactivated or deleted the account through SCIM: sessions end, sign-in is refused
  session_ended: model(401, 4401), // the co-browse session or visit is over (an unknown, used or expired resume token; a login session that ended)
  session_moving: model(503, 1011), // an agent's join: the server process holding the session stopped and none has taken it over yet; join again shortly
  too_many_conversations: model(429, 4429), // chat: the visit has as many open conversations as allowed
  too_many_messages: model(429, 4429), // chat: the visit sent more messages a minute than allowed
  note_too_long: model(400, 4400), // chat: a transfer note longer than MAX_NOTE_CHARS
  agent_away: model(409, 1008), // chat: an agent who set themselves away accepts a chat
  agent_unavailable: model(409, 1008), // chat: a transfer to an agent not available (away, offline) for the chat's site
  page_too_large: model(400, 4400), // visitor list: a query asks for more rows a page than VISITOR_QUERY_LIMITS.maxPageSize
  too_many_queries: model(429, 4429), // visitor list: a console connection holds as many live queries as allowed
  chat_closed: model(409, 1008), // chat: outside the business hours of the site or team (routing.yaml); the offline form stays open
  unknown_team: model(400, 4400), // chat: a team the chat's site does not have (routing.yaml)
  not_in_team: model(403, 4403), // chat: an agent accepts a chat waiting in a team they are not in
  identity_invalid: model(401, 1008), // visitor identity token: bad signature, algorithm, key, audience or claims, or the site verifies none
  identity_expired: model(401, 1008), // visitor identity token: expired, issued in the future, or living longer than the site's policy allows
  identity_replayed: model(409, 1008), // visitor identity token: its jti was used before
  file_too_large: model(413, 4413), // chat: an attachment larger than policies/attachments.yaml maxBytes
  file_type_refused: model(415, 4415), // chat: an attachment whose bytes are no type the policy allows (HTML, SVG and other active types never)
  file_infected: model(422, 4422), // chat: the malware scanner found a signature; the file is quarantined, never delivered
  scanner_unavailable: model(503, 1011), // chat: the malware scanner did not answer; nothing is delivered unscanned
  upload_unexpected: model(409, 4409), // chat: a chunk of no upload in progress, out of order, or beyond the announced size
  already_rated: model(409, 4409), // chat: the conversation already has its satisfaction rating
  not_ended: model(409, 4409), // chat: a rating of a conversation that has not ended
} as const satisfies Readonly<Record<string, ErrorModel>>;

/** Every error code of Airlock, HTTP and WebSocket alike. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes, for enumerations (tests, documentation). */
export const ALL_ERROR_CODES = Object.keys(ERROR_CODES) as ErrorCode[];

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/** The close code of a connection that `code` ends. */
export function closeCodeOf(code: ErrorCode): number {
  return ERROR_CODES[code].close;
}

/**
 * The close that is no error: a co-browse session is over (the reason names why), a newer
 * connection of the visit replaced this one (`resumed`), or a client leaves on purpose.
 */
export const NORMAL_CLOSE = 1000;

/** Close reasons are at most 123 bytes on the wire; ours are short ASCII codes and phrases. */
export function closeReason(text: string): string {
  return text.slice(0, 120);
}

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
