import BetterSqlite3 from "better-sqlite3";
import pg from "pg";
import type { DialectName } from "../storage/db.js";

/**
 * The same-run yardstick for `bench chat`: how many single-row INSERT transactions per second one
 * client of the raw driver (better-sqlite3, pg) commits on the same database, one after another,
 * with the same durability settings Airlock uses. It measures what one commit costs there (a disk
 * flush, a round trip), which is what group commit amortizes; chat's rate divided by it moves
 * much less with machine load than either rate alone. The scratch table is dropped afterwards.
 */
export async function rawInsertsPerSecond(dialect: DialectName, databaseUrl: string, seconds: number): Promise<number> {
  const table = `bench_baseline_${process.pid}`;
  return dialect === "sqlite" ? sqliteInserts(databaseUrl.slice("sqlite:".length), table, seconds) : postgresInserts(databaseUrl, table, seconds);
}

function sqliteInserts(file: string, table: string, seconds: number): number {
  const db = new BetterSqlite3(file);
  try {
    // As storage/db.ts opens the main database.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.exec(`CREATE TABLE ${table} (id INTEGER PRIMARY KEY, body TEXT NOT NULL, created_at INTEGER NOT NULL)`);
    const insert = db.prepare(`INSERT INTO ${table} (body, created_at) VALUES (?, ?)`);
    const body = "x".repeat(160);
    let n = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    while (performance.now() < end) {
      db.exec("BEGIN");
      insert.run(body, Date.now());
      db.exec("COMMIT");
      n++;
    }
    const rate = n / ((performance.now() - start) / 1000);
    db.exec(`DROP TABLE ${table}`);
    return Math.round(rate);
  } finally {
    db.close();
  }
}

async function postgresInserts(url: string, table: string, seconds: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE TABLE ${table} (id bigserial PRIMARY KEY, body text NOT NULL, created_at bigint NOT NULL)`);
    const body = "x".repeat(160);
    let n = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    while (performance.now() < end) {
      // One statement outside BEGIN is one transaction, committed before the answer comes.
      await client.query(`INSERT INTO ${table} (body, created_at) VALUES ($1, $2)`, [body, Date.now()]);
      n++;
    }
    const rate = n / ((performance.now() - start) / 1000);
    await client.query(`DROP TABLE ${table}`);
    return Math.round(rate);
  } finally {
    await client.end();
  }
}
