import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe } from "vitest";
import { openStorage, type DialectName, type Storage } from "../../src/storage/db.js";
import { migrateUp } from "../../src/storage/migrate.js";
import { serviceUrl } from "./services.js";

export const DIALECTS: readonly DialectName[] = ["sqlite", "postgres"];

export interface DialectFixture {
  readonly dialect: DialectName;
  /** A URL for a fresh, empty database of this dialect (new for every call). */
  freshUrl(): Promise<string>;
  /** A fresh database opened (and migrated unless told otherwise); closed after the suite. */
  open(options?: { migrate?: boolean }): Promise<Storage>;
}

/** Runs `body` once per dialect: every storage test runs on SQLite and on PostgreSQL. */
export function describeEachDialect(name: string, body: (fx: DialectFixture) => void): void {
  for (const dialect of DIALECTS) {
    const pgBase = dialect === "postgres" ? serviceUrl("AIRLOCK_TEST_PG_URL") : undefined;
    const run = dialect === "sqlite" || pgBase ? describe : describe.skip;
    run(`${name} [${dialect}]`, () => {
      const fixture = createFixture(dialect, pgBase);
      afterAll(() => fixture.cleanup());
      body(fixture);
    });
  }
}

function createFixture(dialect: DialectName, pgBase: string | undefined): DialectFixture & { cleanup(): Promise<void> } {
  const opened: Storage[] = [];
  const databases: string[] = [];
  let dir: string | undefined;
  const freshUrl = async (): Promise<string> => {
    if (dialect === "sqlite") {
      dir ??= mkdtempSync(path.join(tmpdir(), "airlock-sqlite-"));
      return `sqlite:${path.join(dir, `${randomBytes(6).toString("hex")}.db`)}`;
    }
    const name = `airlock_t_${randomBytes(6).toString("hex")}`;
    const admin = new pg.Client({ connectionString: pgBase });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    databases.push(name);
    const url = new URL(pgBase ?? "");
    url.pathname = `/${name}`;
    return url.toString();
  };
  return {
    dialect,
    freshUrl,
    async open(options = {}) {
      const storage = openStorage(await freshUrl());
      opened.push(storage);
      if (options.migrate !== false) {
        const outcome = await migrateUp(storage);
        if (!outcome.ok) throw new Error(`migration failed: ${outcome.error}`);
      }
      return storage;
    },
    async cleanup() {
      await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
      if (dir) rmSync(dir, { recursive: true, force: true });
      if (databases.length && pgBase) {
        const admin = new pg.Client({ connectionString: pgBase });
        await admin.connect();
        for (const name of databases) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
        await admin.end();
      }
    },
  };
}

// Re-exported so tests need one import for the common case.
export { beforeAll };
