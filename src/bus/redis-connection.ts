import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { checkServerIdentity, type ConnectionOptions } from "node:tls";
import type { RedisOptions } from "ioredis";
import { LastingErrorListenerConnector } from "./redis-connector.js";

/** The settings of the Redis connection (a subset of the config). */
export interface RedisSettings {
  readonly redisUrl: string;
  readonly redisTlsCaFile?: string | undefined;
  readonly redisTlsCertFile?: string | undefined;
  readonly redisTlsKeyFile?: string | undefined;
  readonly redisUsername?: string | undefined;
  readonly redisPasswordFile?: string | undefined;
}

export interface RedisTarget {
  readonly tls: boolean;
  readonly host: string;
  readonly port: number;
  readonly db: number;
  readonly username: string | undefined;
  readonly passwordInUrl: boolean;
}

/**
 * Parses a redis:// or rediss:// URL. Query parameters are refused: ioredis would turn them into
 * connection options of its own (TLS ones included), so the URL names the server and nothing else.
 */
export function parseRedisUrl(url: string): { ok: true; target: RedisTarget } | { ok: false; message: string } {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, message: "is not a valid URL" };
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") return { ok: false, message: "must start with redis:// or rediss://" };
  if (u.search) return { ok: false, message: "query parameters are not supported: use the redis* settings" };
  if (!u.hostname) return { ok: false, message: "must name a host" };
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) return { ok: false, message: "the path must be a database number" };
  return {
    ok: true,
    target: {
      tls: u.protocol === "rediss:",
      host: u.hostname.replace(/^\[|\]$/g, ""),
      port: u.port ? Number(u.port) : 6379,
      db,
      username: u.username ? decodeURIComponent(u.username) : undefined,
      passwordInUrl: u.password !== "",
    },
  };
}

/**
 * ioredis options for the settings, reading the password and PEM files now. Built from the
 * parsed URL rather than handing ioredis the URL, so nothing but these options configures it.
 * rediss:// always verifies the server certificate and that it names the URL's host.
 */
export function redisConnectionOptions(settings: RedisSettings): RedisOptions {
  const parsed = parseRedisUrl(settings.redisUrl);
  if (!parsed.ok) throw new Error(`redisUrl ${parsed.message}`);
  const { target } = parsed;
  const urlPassword = target.passwordInUrl ? decodeURIComponent(new URL(settings.redisUrl).password) : undefined;
  const password = settings.redisPasswordFile ? readSecretFile(settings.redisPasswordFile) : urlPassword;
  const username = settings.redisUsername ?? target.username;
  return {
    host: target.host,
    port: target.port,
    db: target.db,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(target.tls ? { tls: tlsOptions(settings, target.host) } : {}),
    Connector: LastingErrorListenerConnector,
  };
}

function tlsOptions(settings: RedisSettings, host: string): ConnectionOptions {
  return {
    ...(settings.redisTlsCaFile ? { ca: readFileSync(settings.redisTlsCaFile) } : {}),
    ...(settings.redisTlsCertFile ? { cert: readFileSync(settings.redisTlsCertFile) } : {}),
    ...(settings.redisTlsKeyFile ? { key: readFileSync(settings.redisTlsKeyFile) } : {}),
    minVersion: "TLSv1.2",
    ...(isIP(host) ? {} : { servername: host }),
    rejectUnauthorized: true,
    checkServerIdentity: (_name, cert) => checkServerIdentity(host, cert),
  };
}

/** A secret file's content without the trailing newline editors and `kubectl create secret` add. */
function readSecretFile(file: string): string {
  return readFileSync(file, "utf8").replace(/\r?\n$/, "");
}
