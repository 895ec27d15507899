import { readFileSync } from "node:fs";
import { checkServerIdentity, type ConnectionOptions } from "node:tls";

/** PEM files for TLS to PostgreSQL; the main database and the key vault use the same ones. */
export interface PostgresTlsFiles {
  readonly databaseTlsCaFile?: string | undefined;
  readonly databaseTlsCertFile?: string | undefined;
  readonly databaseTlsKeyFile?: string | undefined;
}

/** libpq's sslmode values Airlock accepts (`allow` and `prefer` may fall back to clear text silently). */
export const SSL_MODES = ["disable", "require", "verify-ca", "verify-full"] as const;
export type SslMode = (typeof SSL_MODES)[number];

export type PostgresTransport =
  | { readonly ok: true; readonly mode: SslMode; readonly connectionString: string; readonly host: string }
  | { readonly ok: false; readonly message: string };

// URL parameters through which pg would read TLS files or weaken checks on its own; Airlock takes
// TLS material only from its settings, so a file named in a URL is never silently ignored.
const refusedParameter = (name: string) => (name.startsWith("ssl") && name !== "sslmode" && name !== "sslnegotiation") || name === "uselibpqcompat";

/**
 * How Airlock connects to the PostgreSQL database of `url`: the URL's `sslmode` if given (libpq
 * semantics), else verify-full when a TLS file is configured, else disable. The returned
 * connection string has `sslmode` removed: pg would otherwise override the TLS options Airlock
 * builds (its connection string wins over explicit options).
 */
export function postgresTransport(url: string, files: PostgresTlsFiles): PostgresTransport {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, message: "is not a valid URL" };
  }
  const refused = [...u.searchParams.keys()].filter(refusedParameter);
  if (refused.length > 0) {
    return { ok: false, message: `URL parameter ${refused.join(", ")} is not supported: set databaseTlsCaFile, databaseTlsCertFile and databaseTlsKeyFile instead` };
  }
  const given = u.searchParams.get("sslmode");
  const anyFile = Boolean(files.databaseTlsCaFile || files.databaseTlsCertFile || files.databaseTlsKeyFile);
  if (given === "allow" || given === "prefer") {
    return { ok: false, message: `sslmode=${given} falls back to clear text without notice; use sslmode=verify-full (or require, or disable)` };
  }
  if (given !== null && !(SSL_MODES as readonly string[]).includes(given)) {
    return { ok: false, message: `unknown sslmode "${given}" (expected ${SSL_MODES.join(", ")})` };
  }
  const mode = (given ?? (anyFile ? "verify-full" : "disable")) as SslMode;
  if (mode === "disable" && given !== null && anyFile) {
    return { ok: false, message: "sslmode=disable contradicts the databaseTls* files that are set" };
  }
  u.searchParams.delete("sslmode");
  const host = (u.searchParams.get("host") ?? u.hostname).replace(/^\[|\]$/g, "");
  return { ok: true, mode, connectionString: given === null ? url : u.toString(), host };
}

/** True when the connection is TLS and the server's certificate and host name are verified. */
export function isVerifiedTransport(mode: SslMode): boolean {
  return mode === "verify-full";
}

/** pg's `ssl` option for `transport`, reading the PEM files now. */
export function pgSslOption(transport: Extract<PostgresTransport, { ok: true }>, files: PostgresTlsFiles): false | ConnectionOptions {
  if (transport.mode === "disable") return false;
  const material: ConnectionOptions = {
    ...(files.databaseTlsCaFile ? { ca: readFileSync(files.databaseTlsCaFile) } : {}),
    ...(files.databaseTlsCertFile ? { cert: readFileSync(files.databaseTlsCertFile) } : {}),
    ...(files.databaseTlsKeyFile ? { key: readFileSync(files.databaseTlsKeyFile) } : {}),
    minVersion: "TLSv1.2",
  };
  // libpq: `require` with a root CA file checks the chain like verify-ca; without one, nothing.
  const mode = transport.mode === "require" && files.databaseTlsCaFile ? "verify-ca" : transport.mode;
  if (mode === "require") return { ...material, rejectUnauthorized: false };
  if (mode === "verify-ca") return { ...material, rejectUnauthorized: true, checkServerIdentity: () => undefined };
  // verify-full: the certificate must name the host of the URL (pg hands Node no host for IPs).
  return { ...material, rejectUnauthorized: true, checkServerIdentity: (_name, cert) => checkServerIdentity(transport.host, cert) };
}
