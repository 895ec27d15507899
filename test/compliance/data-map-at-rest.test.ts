import { existsSync, readFileSync } from "node:fs";
import { sql, type Kysely } from "kysely";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openStorage, type Storage } from "../../src/storage/db.js";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import { loadDataMap } from "./data-map.js";
import { startSeededAirlock } from "./seeded-airlock.js";

// The data map's protected categories are checked against the stored bytes, not only the names:
// a real Airlock, driven through its own flows (sign-in with TOTP enrollment, a sign-in left
// half-way, a WebSocket ticket, chats, an offline form, a canned response), fills every table with
// values the test knows in clear. No column the map calls encrypted, wrapped or secret-derived
// may hold any of them, on SQLite (the database and vault files and their write-ahead logs too)
// and on PostgreSQL.

const PROTECTED = new Set(["encrypted-personal-data", "wrapped-key", "secret-derived"]);
const map = loadDataMap();

describeEachDialect("protected columns hold no planted value in clear", (fx) => {
  let server: TestServer;
  let planted: Map<string, string>;
  let plantedBytes: Map<Buffer, string>;

  beforeAll(async () => {
    ({ server, planted, plantedBytes } = await startSeededAirlock(fx));
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
