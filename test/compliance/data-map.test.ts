import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Kysely } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { KeyVault } from "../../src/crypto/vault/key-vault.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { startTestServer } from "../helpers/server.js";
import { danglingReferences, loadDataMap } from "./data-map.js";
import { scanCookieNames, scanLogFields, scanStorageKeys } from "./source-scan.js";

const map = loadDataMap();
const dir = mkdtempSync(path.join(tmpdir(), "airlock-datamap-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** table -> sorted column names, as the database itself reports them. */
async function liveSchema<DB>(db: Kysely<DB>): Promise<Record<string, string[]>> {
  const tables = await db.introspection.getTables();
  return Object.fromEntries(tables.filter((t) => !t.isView).map((t) => [t.name, t.columns.map((c) => c.name).sort()]));
}

function mappedSchema(tables: (typeof map.databases)["main"]): Record<string, string[]> {
  return Object.fromEntries(Object.entries(tables).map(([name, t]) => [name, Object.keys(t.columns).sort()]));
}

describe("compliance data map", () => {
  it("is well formed: every category, lawful basis, location and retention key it uses is defined", () => {
    expect(danglingReferences(map)).toEqual([]);
  });

  it("lists exactly the cookies Airlock sets", () => {
    expect(Object.keys(map.cookies).sort()).toEqual([...scanCookieNames().keys()].sort());
  });

  it("lists exactly the browser storage keys the visitor script, widget and demo use", () => {
    const { keys, unresolved } = scanStorageKeys();
    expect(unresolved).toEqual([]);
    expect(Object.keys(map.browserStorage).sort()).toEqual([...keys.keys()].sort());
  });

  it("lists exactly the fields of every log call in src/ (plus the logger's own level, time, service, msg)", () => {
    const { fields, unreadable } = scanLogFields();
    expect(unreadable, "log calls whose fields the scan cannot read: pass an object literal").toEqual([]);
    expect(Object.keys(map.logFields).sort()).toEqual([...new Set(["level", "time", "service", "msg", ...fields.keys()])].sort());
  });

  it("covers every field and cookie a running server actually emits (start, requests, errors, sign-in start, shutdown)", async () => {
    const server = await startTestServer();
    const cookies = new Set<string>();
    try {
      for (const p of ["/healthz", "/readyz", "/no-such-page", "/auth/login", "/console/"]) {
        const res = await fetch(server.url + p, { redirect: "manual" });
        for (const c of res.headers.getSetCookie()) cookies.add(c.slice(0, c.indexOf("=")));
      }
      await fetch(server.url + "/api/v1/csp-report", { method: "POST", headers: { "content-type": "application/csp-report" }, body: JSON.stringify({ "csp-report": { "effective-directive": "img-src" } }) });
    } finally {
      await server.stop();
    }
    const seen = new Set<string>();
    for (const line of server.logText().split("\n").filter(Boolean)) for (const key of Object.keys(JSON.parse(line) as object)) seen.add(key);
    expect(seen.has("route") && seen.has("msg")).toBe(true);
    expect([...seen].filter((k) => !(k in map.logFields))).toEqual([]);
    expect(cookies.size).toBeGreaterThan(0);
    expect([...cookies].filter((c) => !(c in map.cookies))).toEqual([]);
  });
});

describeEachDialect("compliance data map against the real schema", (fx) => {
  it("lists every table and column of the migrated main database, and nothing that does not exist", async () => {
    const storage = await fx.open();
    expect(mappedSchema(map.databases.main)).toEqual(await liveSchema(storage.db));
  });

  it("lists every table and column of the migrated key vault, and nothing that does not exist", async () => {
    const url = fx.dialect === "postgres" ? await fx.freshUrl() : `sqlite:${path.join(dir, `vault-${Date.now()}.db`)}`;
    const vault = await KeyVault.open(url);
    try {
      expect(mappedSchema(map.databases.vault)).toEqual(await liveSchema(vault.db));
    } finally {
      await vault.close();
    }
  });
});
