import { ATTACHMENT_TYPES, isAttachmentType } from "./attachment-types.js";
import type { ChatFileLimitsFrame, ChatFileProgressFrame } from "./chat-frames.js";

// The sending side of chat attachments, shared by the visitor widget and the console: checks a
// file against the limits the server announced, then announces it and sends its bytes one chunk
// after each chat-file-progress, one file at a time, and keeps what the sender sees of each file
// (uploading, scanning, refused) until the file arrives as a chat message. Browser-safe.

/** Largest decoded chunk (chat-messages.ts FILE_CHUNK_BYTES; repeated here to stay free of zod). */
export const UPLOAD_CHUNK_BYTES = 32 * 1024;

export interface FileStartFrame {
  kind: "chat-file-start";
  conversation: string;
  clientId: string;
  name: string;
  size: number;
}
export interface FileChunkFrame {
  kind: "chat-file-chunk";
  conversation: string;
  clientId: string;
  data: string;
}

/**
 * What the sender sees of one file before it is a message: `waiting` for its turn (or the
 * connection), `uploading`, `scanning` (every byte arrived, the malware scan runs), `sent`
 * (acknowledged; the message follows), `refused` with the refusal's code and server message.
 */
export interface UploadView {
  readonly clientId: string;
  readonly conversation: string;
  readonly name: string;
  readonly size: number;
  readonly received: number;
  readonly stage: "waiting" | "uploading" | "scanning" | "sent" | "refused";
  readonly refusal?: { readonly code: string; readonly message: string };
}

interface Upload {
  clientId: string;
  conversation: string;
  name: string;
  size: number;
  received: number;
  stage: UploadView["stage"];
  refusal?: { code: string; message: string };
  bytes: Uint8Array | undefined;
}

/** A refusal decided before any byte leaves the browser: the same codes the server uses. */
export type LocalRefusal = "file_too_large" | "file_type_refused" | "file_empty" | "not_allowed";

/** Whether `file` may be sent under `limits`; its type is judged by its declared type or extension (the server sniffs the bytes). */
export function checkFile(limits: ChatFileLimitsFrame | undefined, file: { readonly name: string; readonly size: number; readonly type: string }): LocalRefusal | undefined {
  if (!limits?.enabled) return "not_allowed";
  if (file.size === 0) return "file_empty";
  if (file.size > limits.maxBytes) return "file_too_large";
  const ext = /\.([A-Za-z0-9]{1,8})$/.exec(file.name)?.[1]?.toLowerCase() ?? "";
  const allowed = limits.types.filter(isAttachmentType);
  const byType = file.type !== "" && allowed.some((t) => t === file.type);
  const byExt = ext !== "" && allowed.some((t) => extensionsOf(t).includes(ext));
  return byType || byExt ? undefined : "file_type_refused";
}

/** The file picker's `accept`: the allowed types and their usual extensions. */
export function acceptList(limits: ChatFileLimitsFrame | undefined): string {
  const allowed = (limits?.types ?? []).filter(isAttachmentType);
  return [...allowed, ...allowed.flatMap((t) => extensionsOf(t).map((e) => `.${e}`))].join(",");
}

function extensionsOf(type: string): string[] {
  if (!isAttachmentType(type)) return [];
  const ext: string = ATTACHMENT_TYPES[type].ext;
  return ext === "jpg" ? ["jpg", "jpeg"] : ext === "txt" ? ["txt", "text", "log", "csv"] : [ext];
}

export class FileUploads {
  readonly #uploads: Upload[] = [];

  constructor(
    /** Sends a frame; false while disconnected (the upload then waits for `reconnected`). */
    private readonly send: (frame: FileStartFrame | FileChunkFrame) => boolean,
    private readonly changed: () => void,
  ) {}

  /** Queues a file for the conversation; it starts when no other upload is in flight. */
  add(conversation: string, clientId: string, name: string, bytes: Uint8Array): void {
    this.#uploads.push({ clientId, conversation, name, size: bytes.length, received: 0, stage: "waiting", bytes });
    this.#pump();
    this.changed();
  }

  /** A file refused before sending (shown to the sender like a server refusal). */
  refuseLocally(conversation: string, clientId: string, name: string, size: number, code: LocalRefusal): void {
    this.#uploads.push({ clientId, conversation, name, size, received: 0, stage: "refused", refusal: { code, message: "" }, bytes: undefined });
    this.changed();
  }

  progress(f: ChatFileProgressFrame): void {
    const u = this.#inFlight();
    if (!u || u.clientId !== f.clientId || u.conversation !== f.conversation) return;
    u.received = f.received;
    if (f.stage === "scanning") {
      u.stage = "scanning";
      u.bytes = undefined;
    } else if (u.bytes) {
      const next = u.bytes.subarray(f.received, f.received + UPLOAD_CHUNK_BYTES);
      if (next.length > 0) this.send({ kind: "chat-file-chunk", conversation: u.conversation, clientId: u.clientId, data: toBase64(next) });
    }
    this.changed();
  }

  /** The server stored the file (its message follows); false when the client id is not an upload. */
  acknowledged(clientId: string): boolean {
    const u = this.#uploads.find((x) => x.clientId === clientId);
    if (!u) return false;
    u.stage = "sent";
    u.bytes = undefined;
    this.#pump();
    this.changed();
    return true;
  }

  /** The file arrived as a chat message: the message shows it from now on. */
  delivered(clientId: string): void {
    const at = this.#uploads.findIndex((x) => x.clientId === clientId);
    if (at < 0) return;
    this.#uploads.splice(at, 1);
    this.#pump();
    this.changed();
  }

  /** A chat-error whose `ref` names an upload: it is refused (nothing of it stays anywhere). */
  refused(ref: string | undefined, code: string, message: string): boolean {
    const u = this.#uploads.find((x) => x.clientId === ref && x.stage !== "refused");
    if (!u) return false;
    u.stage = "refused";
    u.refusal = { code, message };
    u.bytes = undefined;
    this.#pump();
    this.changed();
    return true;
  }

  /** After a reconnect: the server dropped the upload in flight, so it starts again (same client id). */
  reconnected(): void {
    const u = this.#inFlight();
    if (u && u.stage === "uploading") {
      u.stage = "waiting";
      u.received = 0;
    }
    this.#pump();
    this.changed();
  }

  has(clientId: string): boolean {
    return this.#uploads.some((u) => u.clientId === clientId);
  }

  views(conversation: string): UploadView[] {
    return this.#uploads.filter((u) => u.conversation === conversation).map(({ bytes: _bytes, ...view }) => view);
  }

  #inFlight(): Upload | undefined {
    return this.#uploads.find((u) => u.stage === "uploading" || u.stage === "scanning");
  }

  #pump(): void {
    if (this.#inFlight()) return;
    const next = this.#uploads.find((u) => u.stage === "waiting");
    if (!next) return;
    if (this.send({ kind: "chat-file-start", conversation: next.conversation, clientId: next.clientId, name: next.name, size: next.size })) next.stage = "uploading";
  }
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x2000) s += String.fromCharCode(...bytes.subarray(i, i + 0x2000));
  return btoa(s);
}
