import { randomUUID } from "node:crypto";
import type { ChatService } from "../../src/chat/service.js";
import { openStorage, type Storage } from "../../src/storage/db.js";
import { migrateUp } from "../../src/storage/migrate.js";
import { chatFixture, clientId, vaultUrlFor, visitId, type ChatFixture } from "../chat/chat-fixture.js";
import { beforeAll, type DialectFixture } from "./dialects.js";

/** A migrated main database with a chat service and its own key vault, for tests that look at the database's bytes. */
export interface ChatDatabase {
  /** The main database's URL (to dump or copy it). */
  readonly url: string;
  readonly storage: Storage;
  readonly fixture: ChatFixture;
  close(): Promise<void>;
}

/** Opens a fresh database of the fixture's dialect; on PostgreSQL the vault is a separate fresh database. */
export async function openChatDatabase(fx: DialectFixture): Promise<ChatDatabase> {
  const url = await fx.freshUrl();
  const storage = openStorage(url);
  const outcome = await migrateUp(storage);
  if (!outcome.ok) throw new Error(outcome.error ?? "migration failed");
  const fixture = await chatFixture(storage, { vaultUrl: await vaultUrlFor(fx) });
  return {
    url,
    storage,
    fixture,
    async close() {
      await fixture.vault.close();
      await storage.close();
    },
  };
}

/** The chat database a suite's tests share: opened before the first test, closed after the last. */
export function chatSuite(fx: DialectFixture): { readonly url: string; readonly storage: Storage; readonly f: ChatFixture } {
  let opened: ChatDatabase | undefined;
  beforeAll(async () => {
    const database = await openChatDatabase(fx);
    opened = database;
    return () => database.close();
  });
  const ready = (): ChatDatabase => {
    if (!opened) throw new Error("chatSuite is used before its suite started");
    return opened;
  };
  return {
    get url() {
      return ready().url;
    },
    get storage() {
      return ready().storage;
    },
    get f() {
      return ready().fixture;
    },
  };
}

/** A conversation on site "demo" accepted by a new agent, with `texts` sent by visitor and agent in turn (visitor first). */
export async function conversationWith(chat: ChatService, texts: readonly string[], visitorId = visitId()) {
  const visitor = { kind: "visitor" as const, siteId: "demo", visitorId };
  const agent = randomUUID();
  const c = await chat.startChat(visitor);
  await chat.accept(agent, c.id);
  for (const [i, text] of texts.entries()) await chat.send(i % 2 ? { kind: "agent", agentId: agent } : visitor, c.id, clientId(), text);
  return { c, visitor, agent };
}
