import { sql } from "kysely";
import { ping } from "../../storage/db.js";
import { pendingMigrations } from "../../storage/migrate.js";
import { defineRoute } from "../../http/route.js";

/** Liveness: the process is up and serving. It never touches dependencies. */
export const healthz = defineRoute({
  method: "GET",
  path: "/healthz",
  access: { public: true },
  handler: (ctx) => {
    ctx.body = { status: "ok" };
  },
});

/**
 * Readiness: the database answers and its schema is current, the key vault (chat data keys)
 * answers, the bus between replicas (Redis) is connected, and we are not shutting down. While
 * Redis is away a replica cannot reach the others (chat delivery, co-browse across replicas), so
 * it reports not ready until its connections are back (ioredis reconnects by itself).
 */
export const readyz = defineRoute({
  method: "GET",
  path: "/readyz",
  access: { public: true },
  handler: async (ctx, { storage, lifecycle, chat, bus }) => {
    const checks: Record<string, string> = {};
    let ready = !lifecycle.shuttingDown;
    checks.lifecycle = lifecycle.shuttingDown ? "shutting down" : "ok";
    try {
      await ping(storage);
      const pending = await pendingMigrations(storage);
      checks.database = "ok";
      checks.migrations = pending.length === 0 ? "ok" : `pending: ${pending.join(", ")}`;
      ready &&= pending.length === 0;
    } catch {
      checks.database = "unreachable";
      ready = false;
    }
    try {
      // Without the vault no conversation can start or be read.
      await sql`select 1`.execute(chat.keys.vault.db);
      checks.keyVault = "ok";
    } catch {
      checks.keyVault = "unreachable";
      ready = false;
    }
    checks.bus = bus.reachable ? "ok" : "unreachable";
    ready &&= bus.reachable;
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? "ready" : "not_ready", checks };
  },
});
