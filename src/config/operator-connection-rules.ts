import { existsSync } from "node:fs";
import { parseRedisUrl } from "../bus/redis-connection.js";
import { isVerifiedTransport, postgresTransport, type SslMode } from "../storage/postgres-tls.js";
import type { Logger } from "../ops/log.js";
import type { ConfigIssue } from "./errors.js";
import { envName, type Config, type ConfigKey } from "./schema.js";

// The config module stays free of the storage drivers: the dialect is told by the URL's scheme.
const POSTGRES = /^postgres(ql)?:\/\//;
const dialectOfUrl = (url: string) => (POSTGRES.test(url) ? "postgres" : undefined);

type Report = (field: ConfigKey, message: string) => void;
const reporter = (issues: ConfigIssue[], source: Record<string, string>): Report => (field, message) => issues.push({ field, source: source[field] ?? envName(field), message });

const FILES = ["databaseTlsCaFile", "databaseTlsCertFile", "databaseTlsKeyFile", "redisTlsCaFile", "redisTlsCertFile", "redisTlsKeyFile", "redisPasswordFile"] as const;

/** Consistency of the PostgreSQL and Redis connection settings, in every mode. */
export function operatorConnectionIssues(c: Config, source: Record<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = reporter(issues, source);
  for (const key of FILES) {
    const f = c[key];
    if (f && !existsSync(f)) at(key, `file not found: ${f}`);
  }
  for (const [cert, key] of [["databaseTlsCertFile", "databaseTlsKeyFile"], ["redisTlsCertFile", "redisTlsKeyFile"]] as const) {
    if (Boolean(c[cert]) !== Boolean(c[key])) at(c[cert] ? key : cert, `${cert} and ${key} go together`);
  }
  for (const field of ["databaseUrl", "keyVaultUrl"] as const) {
    if (dialectOfUrl(c[field]) !== "postgres") continue;
    const transport = postgresTransport(c[field], c);
    if (!transport.ok) at(field, transport.message);
  }
  if (c.redisUrl) {
    const parsed = parseRedisUrl(c.redisUrl);
    if (!parsed.ok) at("redisUrl", parsed.message);
    else {
      const tlsFile = (["redisTlsCaFile", "redisTlsCertFile", "redisTlsKeyFile"] as const).find((k) => c[k]);
      if (tlsFile && !parsed.target.tls) at(tlsFile, "needs a rediss:// redisUrl (TLS); with redis:// it would not be used");
      if (c.redisPasswordFile && parsed.target.passwordInUrl) at("redisPasswordFile", "set the Redis password either in redisUrl or in redisPasswordFile, not both");
      if (c.redisUsername && parsed.target.username !== undefined) at("redisUsername", "set the Redis user either in redisUrl or in redisUsername, not both");
    }
  } else {
    const orphan = (["redisTlsCaFile", "redisTlsCertFile", "redisTlsKeyFile", "redisUsername", "redisPasswordFile"] as const).find((k) => c[k]);
    if (orphan) at(orphan, "has no effect without redisUrl");
  }
  return issues;
}

const WHY_NOT_VERIFIED: Record<Exclude<SslMode, "verify-full">, string> = {
  disable: "is not encrypted (no TLS)",
  require: "is encrypted but the server certificate is not verified (sslmode=require)",
  "verify-ca": "does not check that the server certificate names the host (sslmode=verify-ca)",
};

/**
 * Production: PostgreSQL and Redis are reached over TLS with a verified certificate, unless the
 * operator accepts otherwise by name (allowInsecureDatabaseConnection, allowInsecureRedisConnection).
 * SQLite is a local file and not concerned.
 */
export function insecureConnectionIssues(c: Config, source: Record<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const at = reporter(issues, source);
  if (!c.allowInsecureDatabaseConnection) {
    for (const field of ["databaseUrl", "keyVaultUrl"] as const) {
      if (dialectOfUrl(c[field]) !== "postgres") continue;
      const transport = postgresTransport(c[field], c);
      if (!transport.ok || isVerifiedTransport(transport.mode)) continue;
      at(
        field,
        `the PostgreSQL connection ${WHY_NOT_VERIFIED[transport.mode as keyof typeof WHY_NOT_VERIFIED]}; production needs sslmode=verify-full ` +
          `(add it to the URL, or set databaseTlsCaFile), or an explicit opt-out: ${envName("allowInsecureDatabaseConnection")}=true (allowInsecureDatabaseConnection)`,
      );
    }
  }
  if (!c.allowInsecureRedisConnection && c.redisUrl) {
    const parsed = parseRedisUrl(c.redisUrl);
    if (parsed.ok && !parsed.target.tls) {
      at("redisUrl", `the Redis connection is not encrypted (redis://); production needs rediss:// (TLS, certificate verified), or an explicit opt-out: ${envName("allowInsecureRedisConnection")}=true (allowInsecureRedisConnection)`);
    }
  }
  return issues;
}

/** How each connection is secured, for the start-up log and checks (no URL, no secret). */
export function connectionSecurity(c: Config): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of ["databaseUrl", "keyVaultUrl"] as const) {
    if (dialectOfUrl(c[field]) !== "postgres") continue;
    const transport = postgresTransport(c[field], c);
    if (transport.ok) out[field === "databaseUrl" ? "database" : "keyVault"] = transport.mode === "disable" ? "plaintext" : `tls:${transport.mode}`;
  }
  if (c.redisUrl) {
    const parsed = parseRedisUrl(c.redisUrl);
    if (parsed.ok) out.redis = parsed.target.tls ? "tls:verify-full" : "plaintext";
  }
  return out;
}

/** Production accepted an insecure connection by its opt-out: say so at every start. */
export function warnInsecureConnections(c: Config, log: Logger): void {
  if (c.mode !== "production") return;
  for (const [connection, transport] of Object.entries(connectionSecurity(c))) {
    if (transport === "tls:verify-full") continue;
    const optOut = connection === "redis" ? "allowInsecureRedisConnection" : "allowInsecureDatabaseConnection";
    log.warn({ connection, transport, optOut }, "connection without verified TLS, accepted by an explicit opt-out");
  }
}
