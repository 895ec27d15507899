import { CHAT_SERVER_KINDS, type ChatServerFrame } from "../../protocol/chat-frames.js";
import { readKnownFrame } from "../../protocol/known-frame.js";

/**
 * What the widget needs from the visitor script's connection to Airlock (/ws/visitor): send a
 * chat or presence frame, receive chat frames, and learn when the connection (re)opens so the
 * widget can report the page and resume its conversation.
 */
export interface VisitorChannel {
  /** False while disconnected (the widget keeps unsent messages in its outbox). */
  send(frame: object): boolean;
  onFrame(listener: (frame: ChatServerFrame) => void): void;
  onOpen(listener: () => void): void;
  /** The connection closed; `reason` is the server's close reason (e.g. `too_many_visits`), empty for a network loss. */
  onClose(listener: (reason: string) => void): void;
}

const kinds: ReadonlySet<string> = new Set(CHAT_SERVER_KINDS);

/** Reads a server frame defensively: only JSON objects of a chat kind pass. */
export function readChatFrame(data: unknown): ChatServerFrame | undefined {
  return readKnownFrame<ChatServerFrame>(data, kinds);
}
