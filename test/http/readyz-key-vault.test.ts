import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";

// /readyz checks the key vault as well as the main database: without the vault no conversation
// can start or be read, so a replica that cannot reach it must leave the load balancer. Here the
// vault is a PostgreSQL database of its own that disappears while Airlock runs.

const pgBase = serviceUrl("AIRLOCK_TEST_PG_URL");

describe.skipIf(!pgBase)("readiness and the key vault", () => {
  let server: TestServer;
  const vaultDb = `airlock_rv_${randomBytes(6).toString("hex")}`;
  const admin = () => new pg.Client({ connectionString: pgBase });

  beforeAll(async () => {
    const c = admin();
    await c.connect();
    await c.query(`CREATE DATABASE ${vaultDb}`);
    await c.end();
    const url = new URL(pgBase ?? "");
    url.pathname = `/${vaultDb}`;
    server = await startTestServer({ AIRLOCK_KEY_VAULT_URL: url.toString() });
  });
  afterAll(async () => {
    await server?.stop();
    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${vaultDb} WITH (FORCE)`);
    await c.end();
  });

  it("is ready while the vault answers, and answers 503 keyVault unreachable when it does not", async () => {
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready", checks: { lifecycle: "ok", database: "ok", migrations: "ok", keyVault: "ok", bus: "ok" } });

    const c = admin();
    await c.connect();
    await c.query(`DROP DATABASE ${vaultDb} WITH (FORCE)`);
    await c.end();

    const lost = await fetch(`${server.url}/readyz`);
    expect(lost.status).toBe(503);
    expect(await lost.json()).toEqual({ status: "not_ready", checks: { lifecycle: "ok", database: "ok", migrations: "ok", keyVault: "unreachable", bus: "ok" } });
    // liveness does not depend on it
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // nothing about the vault's address reaches the log
    expect(server.logText()).not.toContain(vaultDb);
  });
});
