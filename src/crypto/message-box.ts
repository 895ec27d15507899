import { open, seal } from "./aead.js";

/** What a stored chat ciphertext is bound to: opening it under any other coordinates fails. */
export interface MessageCoordinates {
  readonly conversationId: string;
  readonly seq: number;
  /** Who wrote it and what it is (visitor/agent/system, text/note/form): not swappable either. */
  readonly sender: string;
  readonly kind: string;
}

function messageAd(c: MessageCoordinates): string {
  return `airlock/chat-message/v1|${c.conversationId}|${c.seq}|${c.sender}|${c.kind}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

export function sealMessage(dataKey: Uint8Array, coordinates: MessageCoordinates, text: string): string {
  return Buffer.from(seal(dataKey, encoder.encode(text), messageAd(coordinates))).toString("base64");
}

export function openMessage(dataKey: Uint8Array, coordinates: MessageCoordinates, box: string): string {
  return decoder.decode(open(dataKey, new Uint8Array(Buffer.from(box, "base64")), messageAd(coordinates)));
}
