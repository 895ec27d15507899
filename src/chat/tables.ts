// Tables owned by live chat. Message text, transfer notes and offline forms exist only as
// ciphertext (`body`), each under its conversation's data key; the data key exists only wrapped
// by a master key, in the key vault (src/crypto/vault), never in this database. Everything else
// here is metadata that auditors search by.
import type { EpochMs } from "../storage/epoch-ms.js";

export type ConversationState = "queued" | "active" | "ended" | "offline";
export type SenderKind = "visitor" | "agent" | "system";
/** `text` is visible to both sides; `note` (transfer notes) only to agents; `form` is an offline form; `file` announces a clean attachment. */
export type MessageKind = "text" | "note" | "form" | "file";

export interface ChatConversationTable {
  id: string;
  site_id: string;
  /** The visitor script's random per-visit id: no tracking across visits. */
  visitor_id: string;
  state: ConversationState;
  assigned_agent_id: string | null;
  /** Highest sequence number handed out; the next message gets last_seq + 1. */
  last_seq: number;
  created_at: EpochMs;
  accepted_at: EpochMs | null;
  ended_at: EpochMs | null;
  /** The team whose queue the chat waits in (routing.yaml); null where the site has no teams. */
  team: string | null;
  /** The agent a waiting chat is offered to, until `offer_expires_at` (then the next agent). */
  offered_agent_id: string | null;
  offer_expires_at: EpochMs | null;
  /** Skills the waiting chat's page rule prefers (JSON array of skill ids; routing.yaml), null for none. */
  wanted_skills?: string | null;
  /** Agents whose offer of the waiting chat ran out (JSON array of agent ids): the others come first. */
  expired_offer_agent_ids?: string | null;
  /** The customer id the site's signed identity token named (verified visitors only; src/visitor-identity). */
  customer_id?: string | null;
}

export interface ChatMessageTable {
  conversation_id: string;
  seq: number;
  /** The sender's idempotency key: a retried send finds its first copy instead of a second row. */
  client_id: string;
  sender_kind: SenderKind;
  /** Agent id for agent messages; null for the visitor and the system. */
  sender_id: string | null;
  kind: MessageKind;
  /** base64 of nonce || ciphertext, bound to (conversation, seq, sender, kind). */
  body: string;
  created_at: EpochMs;
}

export interface ChatParticipantTable {
  conversation_id: string;
  agent_id: string;
  /** `handler` answered the chat (accepted or received a transfer); `supervisor` joined to watch. */
  role: "handler" | "supervisor";
  joined_at: EpochMs;
}

export interface ChatCannedResponseTable {
  id: string;
  /** The team (an IdP group) whose agents see this response. */
  team: string;
  title: string;
  body: string;
  updated_by: string;
  updated_at: EpochMs;
}

/** `clean`: scanned, deliverable. `quarantined`: the scanner found `signature`; never served to anyone. */
export type FileState = "clean" | "quarantined";

export interface ChatFileTable {
  id: string;
  conversation_id: string;
  sender_kind: "visitor" | "agent";
  /** Agent id for agents' files; null for the visitor. */
  sender_id: string | null;
  /** Sniffed from the bytes (src/chat/files/sniff.ts), never the sender's claim. */
  media_type: string;
  size: number;
  state: FileState;
  /** The scanner's signature name for a quarantined file (e.g. `Win.Test.EICAR_HDB-1`). */
  signature: string | null;
  /** base64 of nonce || ciphertext of the sender's file name, bound to (conversation, file id). */
  name: string;
  /** base64 of nonce || ciphertext of the bytes, bound to (conversation, file id, type, size). */
  content: string;
  created_at: EpochMs;
}

export interface ChatRatingTable {
  /** One rating per conversation: the primary key is what refuses a second one. */
  conversation_id: string;
  site_id: string;
  /** Who handled the chat when it ended (what supervisors see ratings by). */
  agent_id: string | null;
  score: number;
  /** base64 of nonce || ciphertext under the conversation's data key; null without a comment. */
  comment: string | null;
  created_at: EpochMs;
}

export interface ChatTables {
  chat_file: ChatFileTable;
  chat_rating: ChatRatingTable;
  chat_conversation: ChatConversationTable;
  chat_message: ChatMessageTable;
  chat_participant: ChatParticipantTable;
  chat_canned_response: ChatCannedResponseTable;
}
