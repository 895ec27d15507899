import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { migrations } from "../../src/storage/migrations/index.js";
import { runCli } from "../helpers/cli.js";
import { describeEachDialect } from "../helpers/dialects.js";

describeEachDialect("airlock migrate", (fx) => {
  it("reports pending migrations, applies them, then reports none, with --json", async () => {
    const env = { AIRLOCK_DATABASE_URL: await fx.freshUrl(), AIRLOCK_DATA_DIR: mkdtempSync(path.join(tmpdir(), "airlock-m-")) };
    const before = JSON.parse(runCli(["migrate", "status", "--json"], env).stdout) as { pending: number; dialect: string };
    expect(before).toMatchObject({ pending: Object.keys(migrations).length, dialect: fx.dialect });
    const up = runCli(["migrate", "up", "--json"], env);
    expect(up.status).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ ok: true, applied: Object.keys(migrations) });
    const after = runCli(["migrate", "status"], env);
    expect(after.stdout).toContain("up to date");
    const serveWouldStart = runCli(["migrate", "up"], env);
    expect(serveWouldStart.stdout).toContain("schema is up to date");
  });

  it("serve refuses to start on a database with pending migrations", async () => {
    const env = { AIRLOCK_DATABASE_URL: await fx.freshUrl() };
    const r = runCli(["serve"], env);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/pending migrations: 0001_foundation.*run "airlock migrate up"/);
  });
});
