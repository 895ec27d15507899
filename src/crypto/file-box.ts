import { open, seal } from "./aead.js";

/** What a stored attachment's ciphertexts are bound to: moving one to another row or file fails to open. */
export interface FileCoordinates {
  readonly conversationId: string;
  readonly fileId: string;
  readonly mediaType: string;
  readonly size: number;
}

const contentAd = (c: FileCoordinates) => `airlock/chat-file/v1|${c.conversationId}|${c.fileId}|${c.mediaType}|${c.size}`;
const nameAd = (c: Pick<FileCoordinates, "conversationId" | "fileId">) => `airlock/chat-file-name/v1|${c.conversationId}|${c.fileId}`;
/** A rating's comment is bound to its conversation (one rating each). */
const commentAd = (conversationId: string) => `airlock/chat-rating-comment/v1|${conversationId}`;

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const unb64 = (text: string) => new Uint8Array(Buffer.from(text, "base64"));

export function sealFileContent(dataKey: Uint8Array, c: FileCoordinates, bytes: Uint8Array): string {
  return b64(seal(dataKey, bytes, contentAd(c)));
}

export function openFileContent(dataKey: Uint8Array, c: FileCoordinates, box: string): Uint8Array {
  return open(dataKey, unb64(box), contentAd(c));
}

export function sealFileName(dataKey: Uint8Array, c: Pick<FileCoordinates, "conversationId" | "fileId">, name: string): string {
  return b64(seal(dataKey, encoder.encode(name), nameAd(c)));
}

export function openFileName(dataKey: Uint8Array, c: Pick<FileCoordinates, "conversationId" | "fileId">, box: string): string {
  return decoder.decode(open(dataKey, unb64(box), nameAd(c)));
}

export function sealRatingComment(dataKey: Uint8Array, conversationId: string, comment: string): string {
  return b64(seal(dataKey, encoder.encode(comment), commentAd(conversationId)));
}

export function openRatingComment(dataKey: Uint8Array, conversationId: string, box: string): string {
  return decoder.decode(open(dataKey, unb64(box), commentAd(conversationId)));
}
