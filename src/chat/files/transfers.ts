import { createHmac } from "node:crypto";
import { appendAudit } from "../../audit/trail.js";
import { constantTimeEqual } from "../../auth/tokens.js";
import { AirlockError } from "../../errors.js";
import type { AttachmentsPolicy } from "../../policy/schema/attachments.js";
import type { ChatAckFrame, ChatFileLimitsFrame, ChatFileProgressFrame } from "../../protocol/chat-frames.js";
import { isStored } from "../messages.js";
import type { ChatActor } from "../participation.js";
import { ChatRefusal } from "../refusal.js";
import type { ChatService } from "../service.js";
import { ScannerUnavailable, type MalwareScanner } from "./clamd.js";
import { countFiles, findFile, insertFile, readFileBytes, type StoredFile } from "./file-store.js";
import { sniffType } from "./sniff.js";

/** How long a visitor's download address stays valid. */
export const FILE_LINK_TTL_MS = 5 * 60_000;

/** What an attachment message's (encrypted) text holds: enough for both sides to show it. */
export interface FileMessageBody {
  readonly file: string;
  readonly name: string;
  readonly size: number;
  readonly type: string;
}

export interface Upload {
  readonly conversationId: string;
  readonly clientId: string;
  readonly name: string;
  readonly size: number;
  readonly chunks: Uint8Array[];
  received: number;
}

/** What clients may attach: nothing without a malware scanner, whatever the policy says. */
export function fileLimits(policy: AttachmentsPolicy, scannerConfigured: boolean): ChatFileLimitsFrame {
  return { kind: "chat-file-limits", enabled: policy.enabled && scannerConfigured, maxBytes: policy.limits.maxBytes, types: [...policy.types.allowed] };
}

/**
 * Chat attachments: checks before any byte is kept (policy on, size, count), then, once every
 * byte has arrived, the type sniffed from the bytes, then the malware scan, and only then the
 * store-and-deliver. A file the scanner flags is quarantined (kept encrypted, never served), its
 * sender is told, and the audit trail records it; nobody else learns of it.
 */
export class FileTransfers {
  constructor(
    readonly chat: ChatService,
    private readonly scanner: MalwareScanner | undefined,
    private readonly policy: () => AttachmentsPolicy,
    private readonly now: () => number = Date.now,
  ) {}

  /** Per-connection upload state; at most one upload at a time, dropped on close. */
  uploads(actor: ChatActor, send: (frame: ChatFileProgressFrame | ChatAckFrame) => void): ConnectionUploads {
    return new ConnectionUploads(this, actor, send);
  }

  /** What clients may attach now: they check a file against it before sending any byte. */
  limits(): ChatFileLimitsFrame {
    return fileLimits(this.policy(), this.scanner !== undefined);
  }

  /** Checks an announced upload against the policy and the conversation before any byte is kept. */
  async admit(actor: ChatActor, conversationId: string, size: number): Promise<void> {
    const p = this.policy();
    if (!p.enabled) throw new ChatRefusal("not_allowed", "file transfer is turned off");
    if (!this.scanner) throw new ChatRefusal("scanner_unavailable", "no malware scanner is configured");
    if (size > p.limits.maxBytes) throw new ChatRefusal("file_too_large", `files are at most ${p.limits.maxBytes} bytes`);
    const conversation = await this.chat.mustTakePart(actor, conversationId);
    if (conversation.state === "ended") throw new AirlockError("conflict", "the conversation has ended");
    if ((await countFiles(this.chat.storage.db, conversationId)) >= p.limits.maxFilesPerConversation) {
      throw new ChatRefusal("file_too_large", `at most ${p.limits.maxFilesPerConversation} files per conversation`);
    }
  }

  /** All bytes are in: sniff, scan, then store and deliver (or quarantine and refuse). */
  async complete(actor: ChatActor, upload: Upload): Promise<ChatAckFrame> {
    const bytes = Buffer.concat(upload.chunks);
    const sniffed = await sniffType(bytes, this.policy().types.allowed);
    if (!sniffed.ok) throw new ChatRefusal("file_type_refused", `files of type ${sniffed.detected} are not accepted`);
    if (!this.scanner) throw new ChatRefusal("scanner_unavailable", "no malware scanner is configured");
    let verdict;
    try {
      verdict = await this.scanner.scan(bytes);
    } catch (err) {
      if (err instanceof ScannerUnavailable) throw new ChatRefusal("scanner_unavailable", "the malware scanner did not answer");
      throw err;
    }
    const sender = actor.kind;
    const senderId = actor.kind === "agent" ? actor.agentId : null;
    const file = { conversationId: upload.conversationId, sender, senderId, name: upload.name, type: sniffed.type, bytes };
    if (!verdict.clean) {
      const signature = verdict.signature;
      await this.chat.transaction(async (trx) => {
        const id = await insertFile(trx, this.chat.keys, { ...file, state: "quarantined", signature }, this.now());
        await appendAudit(trx, {
          actor: sender === "agent" ? `agent:${senderId ?? ""}` : `visitor:${actor.kind === "visitor" ? actor.siteId : ""}`,
          action: "chat.file_quarantined",
          target: `file:${id}`,
          decision: "deny",
          rule: `clamav:${signature.replace(/[^A-Za-z0-9.:@|/+=#-]/g, "-").slice(0, 100)}`,
        });
      });
      throw new ChatRefusal("file_infected", "the malware scanner flagged the file; it was quarantined");
    }
    const result = await this.chat.sendFile(actor, upload.conversationId, upload.clientId, async (trx) => {
      const id = await insertFile(trx, this.chat.keys, { ...file, state: "clean" }, this.now());
      const body: FileMessageBody = { file: id, name: upload.name, size: bytes.length, type: sniffed.type };
      return JSON.stringify(body);
    });
    return { kind: "chat-ack", conversation: upload.conversationId, clientId: upload.clientId, seq: result.message.seq };
  }

  /** A clean file of the conversation, with its bytes; `not_found` otherwise (quarantined files included). */
  async read(conversationId: string | undefined, fileId: string): Promise<{ file: StoredFile; bytes: Uint8Array }> {
    const file = await findFile(this.chat.storage.db, this.chat.keys, fileId, conversationId);
    const bytes = file ? await readFileBytes(this.chat.storage.db, this.chat.keys, file) : undefined;
    if (!file || !bytes) throw new AirlockError("not_found", "no such file");
    return { file, bytes };
  }

  /** A download path for the visitor of the file's conversation: signed with a key derived from its data key, short-lived. */
  async linkFor(conversationId: string, fileId: string): Promise<string> {
    const file = await findFile(this.chat.storage.db, this.chat.keys, fileId, conversationId);
    if (!file || file.state !== "clean") throw new AirlockError("not_found", "no such file");
    const expires = this.now() + FILE_LINK_TTL_MS;
    const mac = await this.#mac(conversationId, fileId, expires);
    return `/v1/chat-files/${fileId}?e=${expires}&t=${mac}`;
  }

  /** Checks a visitor's download address; its conversation's erasure makes every address invalid. */
  async readByLink(fileId: string, expires: number, mac: string): Promise<{ file: StoredFile; bytes: Uint8Array }> {
    if (!(expires > this.now())) throw new AirlockError("not_found", "no such file, or the link has expired");
    const row = await this.chat.storage.db.selectFrom("chat_file").select("conversation_id").where("id", "=", fileId).executeTakeFirst();
    if (!row) throw new AirlockError("not_found", "no such file, or the link has expired");
    const expected = await this.#mac(row.conversation_id, fileId, expires).catch(() => "");
    if (!constantTimeEqual(expected, mac)) throw new AirlockError("not_found", "no such file, or the link has expired");
    return this.read(row.conversation_id, fileId);
  }

  async #mac(conversationId: string, fileId: string, expires: number): Promise<string> {
    const key = await this.chat.keys.keyFor(conversationId);
    return createHmac("sha256", key).update(`airlock/chat-file-link/v1|${conversationId}|${fileId}|${expires}`).digest("base64url");
  }
}

/** One connection's upload in progress: bytes arrive in order after each progress frame. */
export class ConnectionUploads {
  #current: Upload | undefined;

  constructor(
    private readonly transfers: FileTransfers,
    private readonly actor: ChatActor,
    private readonly send: (frame: ChatFileProgressFrame | ChatAckFrame) => void,
  ) {}

  async start(m: { conversation: string; clientId: string; name: string; size: number }): Promise<void> {
    // A new announcement replaces an unfinished upload: its bytes are dropped.
    this.#current = undefined;
    // A retry of a file already delivered is answered from its first copy.
    const db = this.transfers.chat.storage.db;
    if (await isStored(db, m.conversation, m.clientId)) {
      const row = await db.selectFrom("chat_message").select("seq").where("conversation_id", "=", m.conversation).where("client_id", "=", m.clientId).executeTakeFirstOrThrow();
      return this.send({ kind: "chat-ack", conversation: m.conversation, clientId: m.clientId, seq: Number(row.seq) });
    }
    await this.transfers.admit(this.actor, m.conversation, m.size);
    this.#current = { conversationId: m.conversation, clientId: m.clientId, name: m.name, size: m.size, chunks: [], received: 0 };
    this.send({ kind: "chat-file-progress", conversation: m.conversation, clientId: m.clientId, received: 0, size: m.size, stage: "receiving" });
  }

  async chunk(m: { conversation: string; clientId: string; data: string }): Promise<void> {
    const upload = this.#current;
    if (!upload || upload.conversationId !== m.conversation || upload.clientId !== m.clientId) throw new ChatRefusal("upload_unexpected", "no upload of that file is in progress");
    const bytes = Buffer.from(m.data, "base64");
    if (upload.received + bytes.length > upload.size) {
      this.#current = undefined;
      throw new ChatRefusal("upload_unexpected", "more bytes than announced");
    }
    upload.chunks.push(bytes);
    upload.received += bytes.length;
    if (upload.received < upload.size) {
      return this.send({ kind: "chat-file-progress", conversation: upload.conversationId, clientId: upload.clientId, received: upload.received, size: upload.size, stage: "receiving" });
    }
    this.#current = undefined;
    this.send({ kind: "chat-file-progress", conversation: upload.conversationId, clientId: upload.clientId, received: upload.received, size: upload.size, stage: "scanning" });
    this.send(await this.transfers.complete(this.actor, upload));
  }

  close(): void {
    this.#current = undefined;
  }
}
