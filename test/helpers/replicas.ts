import { randomBytes } from "node:crypto";
import pg from "pg";
import type { StartOptions } from "../../src/server/server.js";
import { startIdentityServer } from "../auth/helpers/login.js";
import type { TestServer } from "./server.js";
import { serviceUrl } from "./services.js";

// Two Airlock replicas on loopback, as a cluster runs them: one PostgreSQL database (and, when
// asked, a separate PostgreSQL key vault) made fresh for the suite, one Redis, one master key
// (asset URL signatures, sealed TOTP seeds). A is the replica the visitor reaches, B the agent's.

export interface ReplicaPair {
  readonly a: TestServer;
  readonly b: TestServer;
  /** Starts one more replica of the same cluster (stopped with the others). */
  startAnother(options?: StartOptions): Promise<TestServer>;
  /** Stops both replicas and drops the databases. */
  stop(): Promise<void>;
}

export interface ReplicaPairOptions {
  /** Keep the wrapped data keys in their own PostgreSQL database, as production does. */
  readonly keyVault?: boolean;
  readonly a?: StartOptions;
  readonly b?: StartOptions;
  /** Further settings for both replicas (a policy folder). */
  readonly env?: Record<string, string>;
}

async function asAdmin(statements: readonly string[]): Promise<void> {
  const admin = new pg.Client({ connectionString: serviceUrl("AIRLOCK_TEST_PG_URL") });
  await admin.connect();
  try {
    for (const statement of statements) await admin.query(statement);
  } finally {
    await admin.end();
  }
}

export async function startReplicaPair(options: ReplicaPairOptions = {}): Promise<ReplicaPair> {
  const id = randomBytes(6).toString("hex");
  const databases = options.keyVault ? [`airlock_r_${id}`, `airlock_rk_${id}`] : [`airlock_r_${id}`];
  const urlOf = (database: string) => {
    const url = new URL(serviceUrl("AIRLOCK_TEST_PG_URL") ?? "");
    url.pathname = `/${database}`;
    return url.toString();
  };
  await asAdmin(databases.map((d) => `CREATE DATABASE ${d}`));
  const env = {
    AIRLOCK_DATABASE_URL: urlOf(databases[0] as string),
    ...(databases[1] ? { AIRLOCK_KEY_VAULT_URL: urlOf(databases[1]) } : {}),
    AIRLOCK_REDIS_URL: serviceUrl("AIRLOCK_TEST_REDIS_URL") ?? "",
    AIRLOCK_MASTER_KEY: `replicas-1:${randomBytes(32).toString("base64")}`,
    ...options.env,
  };
  const started: TestServer[] = [];
  const stop = async () => {
    for (const server of started) await server.stop();
    await asAdmin(databases.map((d) => `DROP DATABASE IF EXISTS ${d} WITH (FORCE)`));
  };
  try {
    started.push(await startIdentityServer(env, options.a));
    started.push(await startIdentityServer(env, options.b));
  } catch (err) {
    await stop();
    throw err;
  }
  const startAnother = async (more?: StartOptions) => {
    const server = await startIdentityServer(env, more);
    started.push(server);
    return server;
  };
  return { a: started[0] as TestServer, b: started[1] as TestServer, startAnother, stop };
}
