import { z } from "zod";
import { AGENT_AVAILABILITY } from "./chat-frames.js";
import { visitorsQueryMessage, visitorsStopMessage } from "./visitor-query.js";

// Live chat and presence on the same sockets as co-browsing. Browser-safe (no Node imports):
// the widget and the console import these too. Text fields are bounded here; the server then
// cleans message text (chat/message-text.ts) before storage and delivery.

/** A client's idempotency key for one message: random, URL-safe. A retry reuses it. */
export const chatClientId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export const conversationRef = z.string().uuid();
/** Raw text as typed; the server cleans it and enforces the 2,000-character limit after cleaning. */
export const chatText = z.string().min(1).max(8_000);
export const chatSeq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const pageUrl = z.string().min(1).max(2_048);
const pageTitle = z.string().max(300);

// Visitor → server.
/** `invite`: an invitation this connection accepted; the chat then goes to the agent who sent it. */
/** `team`: the team the visitor chose (routing.yaml); unknown to the site: refused (`unknown_team`). */
const teamRef = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
export const chatStart = z.object({ kind: z.literal("chat-start"), invite: z.string().min(8).max(64).optional(), team: teamRef.optional() }).strict();
export const chatSend = z.object({ kind: z.literal("chat-send"), conversation: conversationRef, clientId: chatClientId, text: chatText }).strict();
export const chatTyping = z.object({ kind: z.literal("chat-typing"), conversation: conversationRef, typing: z.boolean() }).strict();
/** After (re)connecting: everything after `afterSeq` is sent again, in order. */
export const chatResume = z.object({ kind: z.literal("chat-resume"), conversation: conversationRef, afterSeq: chatSeq }).strict();
export const chatEnd = z.object({ kind: z.literal("chat-end"), conversation: conversationRef }).strict();
export const chatOffline = z
  .object({ kind: z.literal("chat-offline"), clientId: chatClientId, name: z.string().max(120), email: z.string().max(320), text: chatText })
  .strict();
/** `delivered`: the widget shows the invitation (the inviting agent sees that); then `accepted` or `declined`. */
export const chatInviteAnswer = z.object({ kind: z.literal("chat-invite-answer"), invite: z.string().min(8).max(64), answer: z.enum(["delivered", "accepted", "declined"]) }).strict();
/** The page the visitor is on (sent on load and on in-site navigation): feeds the live visitor list. */
export const presencePage = z
  .object({
    kind: z.literal("presence"),
    url: pageUrl,
    title: pageTitle,
    referrer: z.string().max(2_048),
    // The browser's language and user agent: the server keeps only a language tag and the browser and device families.
    language: z.string().max(35).optional(),
    userAgent: z.string().max(512).optional(),
  })
  .strict();

/**
 * A token the site's backend signed naming its signed-in customer (docs/visitor-identity.md). The
 * server checks it (signature, audience, lifetime, single use) before an agent sees anything of it.
 */
export const identify = z.object({ kind: z.literal("identify"), token: z.string().min(1).max(8_192) }).strict();


// Attachments, either side: announce the file, then send its bytes in order, one chunk after each
// chat-file-progress. The announced size is checked against the policy before any byte is kept.
/** A file name as the sender's system called it: shown, never used as a path or to decide the type. */
export const fileName = z.string().min(1).max(255);
/** Largest decoded chunk; its base64 stays far below the frame and per-connection byte limits. */
export const FILE_CHUNK_BYTES = 32 * 1024;
export const chatFileStart = z
  .object({ kind: z.literal("chat-file-start"), conversation: conversationRef, clientId: chatClientId, name: fileName, size: z.number().int().min(1).max(1024 * 1024 * 1024) })
  .strict();
export const chatFileChunk = z
  .object({ kind: z.literal("chat-file-chunk"), conversation: conversationRef, clientId: chatClientId, data: z.string().min(4).max(Math.ceil(FILE_CHUNK_BYTES / 3) * 4).regex(/^[A-Za-z0-9+/]+={0,2}$/) })
  .strict();
/** Visitors ask for a short-lived download address of an attachment of their conversation. */
export const chatFileLink = z.object({ kind: z.literal("chat-file-link"), conversation: conversationRef, file: z.string().uuid() }).strict();
/** Satisfaction, after the chat ended: a score 1-5 and an optional comment (stored encrypted). */
export const chatRate = z
  .object({ kind: z.literal("chat-rate"), conversation: conversationRef, score: z.number().int().min(1).max(5), comment: z.string().max(8_000).optional() })
  .strict();

export const visitorChatMessage = z.discriminatedUnion("kind", [chatStart, chatSend, chatTyping, chatResume, chatEnd, chatOffline, chatInviteAnswer, presencePage, identify, chatFileStart, chatFileChunk, chatFileLink, chatRate]);
export type VisitorChatMessage = z.infer<typeof visitorChatMessage>;
export type VisitorChatKind = VisitorChatMessage["kind"];
export const VISITOR_CHAT_KINDS = visitorChatMessage.options.map((o) => o.shape.kind.value) as readonly VisitorChatKind[];

// Agent console → server.
const siteRef = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/);
const agentRef = z.string().min(1).max(64);
export const watchSite = z.object({ kind: z.literal("watch-site"), site: siteRef }).strict();
export const chatAccept = z.object({ kind: z.literal("chat-accept"), conversation: conversationRef }).strict();
/** To a colleague (`to`) or to a team's queue (`team`): exactly one of them. */
export const chatTransfer = z
  .object({
    kind: z.literal("chat-transfer"),
    conversation: conversationRef,
    to: agentRef.optional(),
    team: teamRef.optional(),
    note: z.object({ clientId: chatClientId, text: chatText }).strict().optional(),
  })
  .strict()
  .refine((m) => (m.to === undefined) !== (m.team === undefined), "a transfer names either an agent (to) or a team");
export const chatJoin = z.object({ kind: z.literal("chat-join"), conversation: conversationRef }).strict();
export const chatInvite = z.object({ kind: z.literal("chat-invite"), site: siteRef, visitor: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/), text: z.string().max(300).optional() }).strict();
/** Online or away, for every site and whichever console page is open; away agents get no new chats. */
export const setAvailability = z.object({ kind: z.literal("set-availability"), status: z.enum(AGENT_AVAILABILITY) }).strict();
/** Count this console with the availability the server keeps for the agent; the answer is an `agent-availability` frame. */
export const watchAvailability = z.object({ kind: z.literal("watch-availability") }).strict();

export const agentChatMessage = z.discriminatedUnion("kind", [
  watchSite,
  chatAccept,
  chatSend,
  chatTyping,
  chatResume,
  chatEnd,
  chatTransfer,
  chatJoin,
  chatInvite,
  setAvailability,
  watchAvailability,
  // The live visitor list (visitor-query.ts).
  visitorsQueryMessage,
  visitorsStopMessage,
  // Attachments (src/chat/files).
  chatFileStart,
  chatFileChunk,
]);
export type AgentChatMessage = z.infer<typeof agentChatMessage>;
export type AgentChatKind = AgentChatMessage["kind"];
export const AGENT_CHAT_KINDS = agentChatMessage.options.map((o) => o.shape.kind.value) as readonly AgentChatKind[];

export * from "./chat-frames.js";
