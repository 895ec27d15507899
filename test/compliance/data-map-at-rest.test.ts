import { existsSync, readFileSync } from "node:fs";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createCannedResponse } from "../../src/chat/canned-responses.js";
import { openStorage, type Storage } from "../../src/storage/db.js";
import { passMfa, signInAtIdp, startIdentityServer } from "../auth/helpers/login.js";
import { HttpAgent } from "../auth/helpers/http-agent.js";
import { clientId, visitId } from "../chat/chat-fixture.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import { loadDataMap } from "./data-map.js";

// The data map's protected categories are checked against the stored bytes, not only the names:
// a real Airlock, driven through its own flows (sign-in with TOTP enrollment, a sign-in left
// half-way, a WebSocket ticket, chats, an offline form, a canned response), fills every table with
// values the test knows in clear. No column the map calls encrypted, wrapped or secret-derived
// may hold any of them, on SQLite (the database and vault files and their write-ahead logs too)
// and on PostgreSQL.

const PROTECTED = new Set(["encrypted-personal-data", "wrapped-key", "secret-derived"]);
const map = loadDataMap();
const CHAT = "planted chat text 4d1f IBAN DE89370400440532013000";
const OFFLINE = "planted offline form 4d1f";

describeEachDialect("protected columns hold no planted value in clear", (fx) => {
  let server: TestServer;
  const planted = new Map<string, string>();
  /** Binary secrets (a conversation's data key), looked for as raw bytes. */
  const plantedBytes = new Map<Buffer, string>();
  const plant = (what: string, value: string | undefined) => {
    if (value && value.length >= 6) planted.set(value, what);
  };

  beforeAll(async () => {
    const vaultUrl = await fx.freshUrl();
    server = await startIdentityServer({ AIRLOCK_DATABASE_URL: await fx.freshUrl(), AIRLOCK_KEY_VAULT_URL: vaultUrl });
    const agent = new HttpAgent(server.url);
    const callback = await signInAtIdp(agent, server, "agent", "agent-demo");
    const cb = new URL(callback);
    plant("authorization code", cb.searchParams.get("code") ?? undefined);
    await agent.request(callback);
    const mfa = await passMfa(agent, server, "agent");
    plant("TOTP secret", mfa.secret);
    for (const code of mfa.recoveryCodes) plant("recovery code", code);
    for (const [name, value] of agent.cookies) plant(`cookie ${name}`, value);
    const ticket = await agent.json(`${server.url}/api/v1/ws-ticket`, "POST");
    for (const value of Object.values(ticket.body)) if (typeof value === "string") plant("WebSocket ticket", value);

    // A sign-in left half-way: its login transaction stays stored.
    const pending = new HttpAgent(server.url);
    const start = await pending.request(`${server.url}/auth/login`);
    const authorize = new URL(start.location ?? "");
    plant("OIDC state", authorize.searchParams.get("state") ?? undefined);
    plant("OIDC nonce", authorize.searchParams.get("nonce") ?? undefined);
    for (const [name, value] of pending.cookies) plant(`cookie ${name}`, value);

    const db = server.services.storage.db;
    const { id: agentId } = await db.selectFrom("agent").select("id").where("subject", "=", "demo-agent").executeTakeFirstOrThrow();
    const chat = server.services.chat.service;
    const visitor = { kind: "visitor" as const, siteId: "demo", visitorId: visitId() };
    const c = await chat.startChat(visitor);
    await chat.accept(agentId, c.id);
    await chat.send(visitor, c.id, clientId(), CHAT);
    await chat.send({ kind: "agent", agentId }, c.id, clientId(), `reply to ${CHAT}`);
    await chat.submitOfflineForm({ siteId: "demo", visitorId: visitId() }, { name: "Planted Name", email: "planted@example.test", clientId: clientId(), text: OFFLINE });
    await createCannedResponse(db, { team: "*", title: "Planted title", body: "Planted canned body" }, agentId, Date.now());
    const dataKey = Buffer.from(await server.services.chat.keys.keyFor(c.id));
    plantedBytes.set(dataKey, "conversation data key");
    for (const encoding of ["base64", "base64url", "hex"] as const) plant(`conversation data key (${encoding})`, dataKey.toString(encoding));
    plant("chat message", CHAT);
    plant("offline form", OFFLINE);
  }, 120_000);
  afterAll(() => server?.stop());

  async function protectedValues(storage: Kysely<unknown>, tables: (typeof map.databases)["main"]): Promise<{ where: string; values: unknown[] }[]> {
    const out = [];
    for (const [table, t] of Object.entries(tables)) {
      for (const [column, c] of Object.entries(t.columns)) {
        if (!PROTECTED.has(c.category)) continue;
        const rows = await sql<Record<string, unknown>>`select ${sql.ref(column)} as v from ${sql.table(table)}`.execute(storage);
        out.push({ where: `${table}.${column} (${c.category})`, values: rows.rows.map((r) => r.v) });
      }
    }
    return out;
  }

  const text = (v: unknown) => (Buffer.isBuffer(v) ? v.toString("latin1") : v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : String(v));

  it("every table of both databases holds at least one row (the check covers them all)", async () => {
    const empty: string[] = [];
    const vault = openStorage(server.config.keyVaultUrl);
    try {
      for (const [dbName, tables] of Object.entries(map.databases)) {
        const db = dbName === "main" ? server.services.storage.db : vault.db;
        for (const table of Object.keys(tables)) {
          if (table.endsWith("_migration_lock")) continue; // the migrator's own lock: one row or none by design
          const { n } = (await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db)).rows[0] ?? { n: 0 };
          if (Number(n) === 0) empty.push(`${dbName}.${table}`);
        }
      }
    } finally {
      await vault.close();
    }
    expect(empty).toEqual([]);
    expect([...planted.values()]).toEqual(expect.arrayContaining(["OIDC state", "OIDC nonce", "TOTP secret", "recovery code", "WebSocket ticket", "chat message"]));
  });

  it("no column mapped as encrypted, wrapped or secret-derived holds a planted value in clear", async () => {
    const vault: Storage = openStorage(server.config.keyVaultUrl);
    const found: string[] = [];
    try {
      const columns = [...(await protectedValues(server.services.storage.db as Kysely<unknown>, map.databases.main)), ...(await protectedValues(vault.db as Kysely<unknown>, map.databases.vault))];
      for (const { where, values } of columns) {
        expect(values.filter((v) => v !== null).length, `${where} is empty: seed it`).toBeGreaterThan(0);
        for (const v of values) {
          for (const [value, what] of planted) if (text(v).includes(value)) found.push(`${where} holds the ${what} in clear`);
          for (const [bytes, what] of plantedBytes) if (Buffer.from(text(v), "latin1").includes(bytes)) found.push(`${where} holds the ${what} in clear`);
        }
      }
    } finally {
      await vault.close();
    }
    expect(found).toEqual([]);
  });

  it.runIf(fx.dialect === "sqlite")("neither database file nor its write-ahead log holds a planted secret in clear", () => {
    const found: string[] = [];
    for (const url of [server.config.databaseUrl, server.config.keyVaultUrl]) {
      const file = url.slice("sqlite:".length);
      const bytes = Buffer.concat([readFileSync(file), ...[`${file}-wal`].filter(existsSync).map((f) => readFileSync(f))]);
      expect(bytes.includes(Buffer.from("demo-agent"))).toBe(url === server.config.databaseUrl);
      for (const [value, what] of planted) if (bytes.includes(Buffer.from(value))) found.push(`${file}: the ${what}`);
      for (const [key, what] of plantedBytes) if (bytes.includes(key)) found.push(`${file}: the ${what}`);
    }
    expect(found).toEqual([]);
  });
});
