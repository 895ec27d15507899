// Chat and presence frames the server sends, and their kinds. Types only plus one list, no
// schema library: the visitor widget and the console import this without pulling in zod.

import type { ErrorCode } from "./error-codes.js";
import type { VisitorsChangeFrame, VisitorsPageFrame } from "./visitor-query-frames.js";

export interface ChatMessageFrame {
  kind: "chat-message";
  conversation: string;
  seq: number;
  clientId: string;
  from: "visitor" | "agent" | "system";
  /** Agents only: the sender's agent id. */
  agentId?: string;
  /** The sending agent's display name (the IdP's `name` claim, else the username), for both sides. */
  agentName?: string;
  type: "text" | "note" | "form" | "file";
  text: string;
  at: number;
  /** `type: "file"`: the attachment, already scanned clean (its bytes are fetched apart, see chat-file-link). */
  file?: ChatFileInfo;
}
/** An attachment as both sides see it: the type is the one sniffed from its bytes, never the sender's claim. */
export interface ChatFileInfo {
  id: string;
  name: string;
  size: number;
  type: string;
}
/** How much of an upload the server holds; the sender sends the next chunk after each. */
export interface ChatFileProgressFrame {
  kind: "chat-file-progress";
  conversation: string;
  clientId: string;
  received: number;
  size: number;
  /** `scanning`: every byte arrived and the malware scan runs; the file is delivered (chat-ack) only if clean. */
  stage: "receiving" | "scanning";
}
/** A short-lived download address of one attachment, for the visitor who asked for it. */
export interface ChatFileLinkFrame {
  kind: "chat-file-link";
  conversation: string;
  file: string;
  url: string;
}
/**
 * What may be attached, from policies/attachments.yaml: to a visitor after its first page report,
 * to an agent when it watches a site. The widget and the console check a file against it before
 * sending (the server checks again). `enabled` is false when the policy turns files off or no
 * malware scanner is configured: then no attach button is offered.
 */
export interface ChatFileLimitsFrame {
  kind: "chat-file-limits";
  enabled: boolean;
  maxBytes: number;
  /** MIME types accepted, as sniffed from a file's bytes (src/protocol/attachment-types.ts). */
  types: string[];
}
/** The visitor's rating of an ended chat was stored. */
export interface ChatRatedFrame {
  kind: "chat-rated";
  conversation: string;
  score: number;
}
/** Longest comment of a satisfaction rating, in characters (refused `value_too_long`). */
export const MAX_RATING_COMMENT_CHARS = 1_000;
/** Sent to the sender only after the message has been committed. */
export interface ChatAckFrame {
  kind: "chat-ack";
  conversation: string;
  clientId: string;
  seq: number;
}
export interface ChatTypingFrame {
  kind: "chat-typing";
  conversation: string;
  from: "visitor" | "agent";
  typing: boolean;
}
export interface ChatConversationFrame {
  kind: "chat-conversation";
  conversation: string;
  state: "queued" | "active" | "ended" | "offline";
  change: "queued" | "offline" | "accepted" | "transferred" | "joined" | "ended" | "erased" | "started";
  lastSeq: number;
  /** Agents only: the site, the visitor's per-visit id and who handles it. */
  site?: string;
  visitor?: string;
  /** Agents only: the visit's pseudonym ("Visitor 4821"), the same in every list of the console. */
  visitorName?: string;
  assignedAgent?: string | null;
  createdAt?: number;
  /** On `accepted` and `transferred`: the display name of the agent who now handles the chat (both sides). */
  agentName?: string;
  /** With `agentName`, where the site routes by teams: the chat's team by its display name ("Alex from Support"). */
  teamName?: string;
}
export interface ChatInviteFrame {
  kind: "chat-invite";
  invite: string;
  text: string;
  /** The inviting agent's display name. */
  agentName?: string;
}
/** Where an agent's invitation stands, sent to the inviting agent (every console of theirs). */
export interface ChatInviteStatusFrame {
  kind: "chat-invite-status";
  invite: string;
  site: string;
  visitor: string;
  /** `sent`: on its way; `delivered`: the widget shows it; `accepted` / `declined`: the visitor's answer. */
  status: "sent" | "delivered" | "accepted" | "declined";
}
/** An agent's availability as the server holds it (after a change from any of the agent's consoles). */
export interface AgentAvailabilityFrame {
  kind: "agent-availability";
  status: AgentAvailability;
}
export const AGENT_AVAILABILITY = ["online", "away"] as const;
/** Longest transfer note in characters after cleaning (refused with `note_too_long`). Here, not beside the schemas: the console imports it without zod. */
export const MAX_NOTE_CHARS = 500;
export type AgentAvailability = (typeof AGENT_AVAILABILITY)[number];
/**
 * Codes of chat refusals a client acts on, besides the error model's codes (`forbidden`,
 * `not_found`, `conflict`, `bad_request`, `rate_limited`, …): the policy refused the kind, or a
 * quota of the visit or the client address is used up (the widget shows a sentence for each); a
 * transfer note is longer than MAX_NOTE_CHARS; an agent who is away accepts a chat; a chat is
 * transferred to an agent who is not available for its site; chat is closed (business hours); a
 * team the site does not have; an agent outside the chat's team accepts it.
 */
export const CHAT_REFUSAL_CODES = [
  "not_allowed",
  "too_many_conversations",
  "too_many_messages",
  "note_too_long",
  "agent_away",
  "agent_unavailable",
  "chat_closed",
  "unknown_team",
  "not_in_team",
  // Attachments (src/chat/files): refused before anyone but the sender sees anything of them.
  "file_too_large",
  "file_type_refused",
  "file_infected",
  "scanner_unavailable",
  "upload_unexpected",
  // Satisfaction ratings: one per ended conversation.
  "already_rated",
  "not_ended",
] as const satisfies readonly ErrorCode[];
export type ChatRefusalCode = (typeof CHAT_REFUSAL_CODES)[number];

export interface ChatErrorFrame {
  kind: "chat-error";
  code: ErrorCode;
  message: string;
  /** The kind (or client id) of the refused message. */
  ref?: string;
}
/** A page of the visit, in the order viewed (the latest few only). */
export type { PresencePage, PresenceVisitor, VerifiedCustomer } from "./visitor-query-frames.js";
export interface ChatStatsFrame {
  kind: "chat-stats";
  site: string;
  waiting: number;
  active: number;
  averageWaitMs: number;
  agentsOnline: number;
}

/**
 * Sent to a visitor after each page report, and again whenever it changes: whether an agent of
 * the site is available (online, not away); else the widget offers the offline form.
 */
export interface ChatAvailabilityFrame {
  kind: "chat-availability";
  available: boolean;
  /** Outside the business hours of the site (or the page's team): the widget says when chat opens, if known. */
  closed?: boolean;
  opens?: ChatOpening;
  /** Teams the visitor may pick before a chat starts (routing.yaml `visitorChoice`; two or more, else absent). */
  teams?: ChatTeamChoice[];
}
export interface ChatTeamChoice {
  id: string;
  name: string;
}
/** When chat opens next, in the site's time zone: "today", "tomorrow" or the weekday, at `time`. */
export interface ChatOpening {
  inDays: number;
  weekday: "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | "sun";
  time: string;
}
/** To a waiting visitor: their place in their team's queue (1 = next), sent again whenever it changes. */
export interface ChatQueueFrame {
  kind: "chat-queue";
  conversation: string;
  position: number;
}
/**
 * To an agent: routing offers them a waiting chat until `expiresAt` (`offered`), or the offer ran
 * out and the chat went on to a colleague (`expired`), or the chat no longer waits: taken (by a
 * colleague, or by this agent from the queue) or ended (`withdrawn`).
 */
export interface ChatOfferFrame {
  kind: "chat-offer";
  conversation: string;
  site: string;
  status: "offered" | "expired" | "withdrawn";
  team?: string;
  expiresAt?: number;
  /** With `offered`: the team's display name, and how many seconds the offer stands from its arrival (the console counts down by its own clock). */
  teamName?: string;
  seconds?: number;
}

/** To the visitor: the site's identity token was accepted (refusals are `chat-error` frames with ref `identify`). */
export interface ChatIdentityFrame {
  kind: "chat-identity";
  verified: true;
}

export type ChatServerFrame =
  | ChatMessageFrame
  | ChatAckFrame
  | ChatTypingFrame
  | ChatConversationFrame
  | ChatInviteFrame
  | ChatInviteStatusFrame
  | AgentAvailabilityFrame
  | ChatErrorFrame
  | VisitorsPageFrame
  | VisitorsChangeFrame
  | ChatStatsFrame
  | ChatAvailabilityFrame
  | ChatQueueFrame
  | ChatOfferFrame
  | ChatIdentityFrame
  | ChatFileProgressFrame
  | ChatFileLinkFrame
  | ChatFileLimitsFrame
  | ChatRatedFrame;

/** Kinds of frames the server sends for chat and presence (the visitor script routes these to the widget). */
export const CHAT_SERVER_KINDS: readonly ChatServerFrame["kind"][] = [
  "chat-message",
  "chat-ack",
  "chat-typing",
  "chat-conversation",
  "chat-invite",
  "chat-invite-status",
  "agent-availability",
  "chat-error",
  "visitors-page",
  "visitors-change",
  "chat-stats",
  "chat-availability",
  "chat-queue",
  "chat-offer",
  "chat-identity",
  "chat-file-progress",
  "chat-file-link",
  "chat-rated",
  "chat-file-limits",
];
