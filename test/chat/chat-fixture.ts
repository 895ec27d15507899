import { randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { ConversationKeys } from "../../src/chat/conversation-keys.js";
import { InProcessFanout } from "../../src/chat/fanout.js";
import { ChatService, type ChatActor } from "../../src/chat/service.js";
import { ReloadingKeyRing } from "../../src/crypto/key-ring.js";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import type { Storage } from "../../src/storage/db.js";
import type { DialectFixture } from "../helpers/dialects.js";

export interface ChatFixture {
  readonly config: Config;
  readonly keyFile: string;
  readonly ring: ReloadingKeyRing;
  readonly vault: KeyVault;
  readonly keys: ConversationKeys;
  readonly fanout: InProcessFanout;
  readonly chat: ChatService;
}

/**
 * A chat service over a real database with its own master key file (reloaded without delay) and
 * key vault: by default a SQLite vault file beside the key file; pass a separate PostgreSQL
 * database for PostgreSQL runs. Close `vault` when done.
 */
export async function chatFixture(storage: Storage, options: { now?: () => number; vaultUrl?: string | undefined } = {}): Promise<ChatFixture> {
  const dir = mkdtempSync(path.join(tmpdir(), "airlock-chat-"));
  const keyFile = path.join(dir, "master.keys");
  writeFileSync(keyFile, `k1:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
  const { config } = loadConfig({ AIRLOCK_DATA_DIR: dir, AIRLOCK_MASTER_KEY_FILE: keyFile, ...(options.vaultUrl ? { AIRLOCK_KEY_VAULT_URL: options.vaultUrl } : {}) });
  const ring = ReloadingKeyRing.fromConfig(config);
  const vault = await KeyVault.open(config.keyVaultUrl);
  const keys = await ConversationKeys.create(ring, vault);
  const fanout = new InProcessFanout();
  return { config, keyFile, ring, vault, keys, fanout, chat: new ChatService(storage, keys, fanout, options.now) };
}

/** A key vault URL apart from the main database: a fresh PostgreSQL database on PostgreSQL runs. */
export async function vaultUrlFor(fx: DialectFixture): Promise<string | undefined> {
  return fx.dialect === "postgres" ? fx.freshUrl() : undefined;
}

/** A random per-visit id as the visitor script makes them. */
export function visitId(): string {
  return randomBytes(12).toString("base64url");
}

export function clientId(): string {
  return randomBytes(9).toString("base64url");
}

/** A conversation a visitor opened and an agent accepted, with both as chat actors. */
export interface OpenConversation {
  readonly id: string;
  readonly visitor: ChatActor & { kind: "visitor" };
  readonly agent: ChatActor & { kind: "agent" };
}

export async function openConversation(chat: ChatService): Promise<OpenConversation> {
  const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
  const agentId = randomUUID();
  const c = await chat.startChat(visitor);
  await chat.accept(agentId, c.id);
  return { id: c.id, visitor, agent: { kind: "agent", agentId } };
}

/** The stored messages' sequence numbers and client ids, in order. */
export async function storedMessageRows(storage: Storage, conversationId: string) {
  return storage.db.selectFrom("chat_message").select(["seq", "client_id"]).where("conversation_id", "=", conversationId).orderBy("seq").execute();
}
