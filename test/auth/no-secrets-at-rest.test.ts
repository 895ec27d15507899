import { existsSync, readFileSync } from "node:fs";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEachDialect } from "../helpers/dialects.js";
import type { TestServer } from "../helpers/server.js";
import { signInEnrolled, startIdentityServer } from "./helpers/login.js";

// Invariant 6: Airlock stores no agent password. Checked over every column of every table.
const passwordLike = /pass|pwd|credential|hashed_secret/i;

describeEachDialect("schema has no column that could hold an agent password", (fx) => {
  it("every table and column name is free of password-like names", async () => {
    const storage = await fx.open();
    const columns =
      storage.dialect === "sqlite"
        ? (
            await sql<{ name: string; col: string }>`select m.name as name, p.name as col from sqlite_master m join pragma_table_info(m.name) p where m.type = 'table'`.execute(storage.db)
          ).rows
        : (
            await sql<{ name: string; col: string }>`select table_name as name, column_name as col from information_schema.columns where table_schema = 'public'`.execute(storage.db)
          ).rows;
    expect(columns.length).toBeGreaterThan(20);
    expect(columns.some((c) => c.name === "agent")).toBe(true);
    expect(columns.filter((c) => passwordLike.test(c.col) || passwordLike.test(c.name))).toEqual([]);
  });
});

describe("TOTP secrets are not readable in the database file (canary)", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startIdentityServer();
  });
  afterAll(async () => server?.stop());

  it("the enrolled secret appears in neither the SQLite file nor its WAL", async () => {
    const { secret } = await signInEnrolled(server, "agent");
    const file = server.config.databaseUrl.slice("sqlite:".length);
    const bytes = Buffer.concat([readFileSync(file), existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`) : Buffer.alloc(0)]);
    expect(bytes.length).toBeGreaterThan(0);
    // The canary is only meaningful if the file holds identity data at all.
    expect(bytes.includes(Buffer.from("demo-agent"))).toBe(true);
    expect(bytes.includes(Buffer.from(secret))).toBe(false);
    expect(bytes.includes(Buffer.from(secret.toLowerCase()))).toBe(false);
  });
});
