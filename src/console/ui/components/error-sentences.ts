import { actionDescriptions, isAction } from "../../../policy/actions.js";

// The one place the console turns a failure into words. Server messages are written for logs and
// operators ("the conversation is not assigned to you"); people get a sentence that says what
// happened and what they can do, and the stable code in small print for support. A raw server
// message is never shown.

export interface ErrorSentence {
  /** What to tell the person, as a full sentence. */
  readonly sentence: string;
  /** The technical code (src/errors.ts, or a chat refusal), shown in small print. */
  readonly code: string;
}

/** The parts of a failure the sentence depends on: an ApiError, a chat-error frame, or similar. */
export interface FailureFacts {
  readonly code: string;
  readonly status?: number;
  /** The server's message: used only to pick a more specific sentence, never shown. */
  readonly message?: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

/** One sentence per server error code (ErrorCode in src/errors.ts; the unit test checks each has one). */
export const byCode: Readonly<Record<string, string>> = {
  bad_request: "Airlock could not use what was sent. Check the values and try again.",
  request_timeout: "The request took too long to arrive. Check your connection and try again.",
  headers_too_large: "Your browser sent more data than Airlock accepts. Sign out, sign in again and retry.",
  invalid_body: "Some of the values are not in the expected form. Check them and try again.",
  payload_too_large: "That is too long for Airlock to accept. Shorten it and try again.",
  unsupported_media_type: "The console sent something Airlock does not accept. Reload the page and try again.",
  unauthenticated: "Your session has ended. Sign in again to continue.",
  account_deactivated: "Your organisation has deactivated your Airlock account, so you were signed out. Ask your administrator if this is a mistake.",
  forbidden: "Your role does not allow this. If you need it, ask an Airlock administrator.",
  origin_not_allowed: "Airlock refused a request that did not come from its own console. Reload the page and try again.",
  not_found: "This no longer exists. It may have been deleted, erased or ended.",
  method_not_allowed: "The console asked for something Airlock does not offer here. Reload the page and try again.",
  not_implemented: "Airlock does not support this yet.",
  conflict: "Something changed in the meantime. Reload to see the current state and try again.",
  rate_limited: "Too many attempts in a short time. Wait a moment and try again.",
  too_many_connections: "This browser has too many Airlock tabs or connections open. Close some and try again.",
  not_ready: "Airlock is starting up. Try again in a moment.",
  shutting_down: "Airlock is restarting. Try again in a moment.",
  asset_signature_invalid: "An image or style of the visitor's page could not be shown.",
  asset_url_expired: "An image or style of the visitor's page is no longer available.",
  asset_room_ended: "The co-browse session has ended, so its images are no longer available.",
  asset_origin_refused: "An image or style of the visitor's page comes from a site Airlock may not fetch from.",
  asset_address_refused: "An image or style of the visitor's page comes from an address Airlock may not fetch from.",
  asset_type_refused: "An image or style of the visitor's page is of a type Airlock does not show.",
  asset_too_large: "An image or style of the visitor's page is too large to show.",
  asset_upstream_failed: "The visitor's website did not deliver an image or style of its page.",
  asset_timeout: "The visitor's website took too long to deliver an image or style of its page.",
  internal: "Airlock could not complete the request. Try again in a moment; if it keeps failing, tell your administrator.",
};

/** Codes that only the console or the chat socket produce (not server HTTP errors). */
const otherCodes: Readonly<Record<string, string>> = {
  network: "Airlock could not be reached. Check your connection and try again.",
  bad_response: "Airlock sent an answer the console does not understand. Reload the page; if it keeps happening, tell your administrator.",
  not_allowed: "Your role does not allow this in chat.",
  page_too_large: "The visitor list asked for more visitors a page than Airlock shows. Choose a smaller page size.",
  too_many_queries: "This page follows too many visitor lists at once. Reload the page.",
  too_many_conversations: "There are too many open chats right now. Try again in a moment.",
  too_many_messages: "Messages are being sent too fast. Wait a moment; unsent messages are sent again automatically.",
  note_too_long: "The transfer note is too long: keep it to 500 characters. The chat was not transferred.",
  agent_away: "You are set to Away, so no new chats come to you. Set yourself Online in the header to accept this chat.",
  agent_unavailable: "That colleague is not available any more (away or signed out). Choose someone else; the chat stays with you.",
  chat_closed: "Chat is closed at this hour for this site or team (business hours), so no invitation was sent.",
  unknown_team: "That team does not exist for this site any more. Choose another team or a colleague.",
  not_in_team: "This chat waits for another team. Ask a supervisor or a member of that team to take it.",
  file_too_large: "That file is larger than Airlock accepts in chat. Send a smaller one.",
  file_type_refused: "Airlock does not accept files of that type in chat. Send a PDF, an image or plain text instead.",
  file_infected: "The malware scan found something harmful in that file, so it was quarantined and not sent.",
  scanner_unavailable: "The file could not be checked for malware right now, so it was not sent. Try again in a moment.",
  upload_unexpected: "The file upload was interrupted. Send the file again.",
  file_empty: "That file is empty, so there is nothing to send.",
  already_rated: "This chat has already been rated.",
  not_ended: "A chat can be rated only after it has ended.",
};

/** More specific sentences for server messages that share a code; keyed by code, then message. */
const byMessage: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  forbidden: {
    "the conversation is not assigned to you": "This chat is not assigned to you, so you cannot do that in it. Ask a supervisor to transfer it to you.",
    "the conversation is assigned to another agent": "Another agent is handling this chat.",
    "agent access is not allowed from this network": "Airlock does not accept console sign-ins from this network.",
    "your account has no Airlock role": "Your account has no Airlock role yet. Ask an Airlock administrator to add you to a group.",
  },
  conflict: {
    "the conversation has ended": "This chat has already ended.",
    "the conversation is no longer waiting": "Another agent has already accepted this chat.",
    "only an active conversation can be transferred": "Only a chat in progress can be transferred.",
    "the conversation is already assigned to that agent": "That colleague already has this chat.",
    "message could not be stored; retry": "The message could not be saved. It will be sent again.",
    "a second factor is already enrolled": "An authenticator is already set up for your account.",
    "no second factor is enrolled": "No authenticator is set up for your account yet.",
  },
  not_found: {
    "no such conversation": "This conversation does not exist, or it has been erased.",
    "no such conversation, or its content has been erased": "This conversation does not exist, or it has been erased.",
    "no such canned response": "This canned response no longer exists. Someone may have deleted it.",
    "no such co-browse session": "This co-browse session has ended.",
    "the visitor is no longer on the site": "The visitor has left the site.",
    "no such session": "This sign-in session has already ended.",
  },
  bad_request: {
    "visitor id must be 16-64 characters of A-Z a-z 0-9 _ -": "A visitor id is 16 to 64 letters, digits, dashes or underscores. Check the id and try again.",
    "message is empty": "Write a message first.",
    "not a conversation id": "This address does not name a conversation.",
  },
};

function secondsText(value: unknown): string {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) return "a while";
  return seconds >= 90 ? `${Math.ceil(seconds / 60)} minutes` : `${seconds} seconds`;
}

/** A sentence for a failure's code (and, where one code covers several cases, its reason). */
export function sentenceFor(facts: FailureFacts): ErrorSentence {
  const { code } = facts;
  const details = facts.details ?? {};
  const reason = typeof details.reason === "string" ? details.reason : "";
  if (reason === "mfa_locked") return { code, sentence: `Too many wrong codes. Your second factor is locked; try again in ${secondsText(details.retryAfterSeconds)}.` };
  if (reason === "totp_invalid") return { code, sentence: "The code is not valid. Check that the clock of your phone is right and enter the current code." };
  if (reason === "totp_replayed") return { code, sentence: "That code was already used. Wait for the next one and enter it." };
  if (reason === "recovery_code_invalid") return { code, sentence: "That recovery code is not valid or was already used." };
  const specific = facts.message ? byMessage[code]?.[facts.message] : undefined;
  if (specific) return { code, sentence: specific };
  if (code === "forbidden" && isAction(details.action)) {
    return { code, sentence: `Your role does not allow you to ${actionDescriptions[details.action]}. If you need it, ask an Airlock administrator.` };
  }
  const known = byCode[code] ?? otherCodes[code];
  if (known) return { code, sentence: known };
  // An unknown code (a newer server): say what kind of failure it is, never the raw message.
  const status = facts.status ?? 0;
  const fallback = status >= 500 ? byCode.internal : status === 401 ? byCode.unauthenticated : status === 403 ? byCode.forbidden : undefined;
  return { code, sentence: fallback ?? "Airlock refused this request. Reload the page and try again; if it keeps failing, tell your administrator." };
}
