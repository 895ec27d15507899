// Why a PostgreSQL connection failed, in words an operator can act on: error codes and fixed
// phrases only, never the URL or a password.

const CERTIFICATE_CODES = /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(_LOCALLY)?)|CERT_[A-Z_]+|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** "which database (CODE): what it means", for a refusal to start. */
export function describePostgresFailure(which: "database" | "key vault", err: unknown): string {
  const code = typeof (err as { code?: unknown })?.code === "string" ? (err as { code: string }).code : undefined;
  const message = err instanceof Error ? err.message : "";
  if (code && CERTIFICATE_CODES.test(code)) {
    return `cannot connect to the ${which} (${code}): the PostgreSQL server certificate is not trusted for this host; check databaseTlsCaFile and that the certificate names the host of the URL`;
  }
  if (/does not support SSL/i.test(message)) {
    return `cannot connect to the ${which} (NO_TLS): the PostgreSQL server does not offer TLS; enable ssl on the server or change sslmode`;
  }
  if (code === "28P01") return `cannot connect to the ${which} (28P01): PostgreSQL refused the password of the URL's user`;
  if (code === "28000") return `cannot connect to the ${which} (28000): PostgreSQL refused the connection (pg_hba.conf: host, user, database or TLS requirement)`;
  return `cannot connect to the ${which} (${code ?? (err instanceof Error ? err.name : "error")})`;
}

/** True when `err` is about reaching the server (network, TLS, authentication), not about a query. */
export function isPostgresConnectionFailure(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? err.message : "";
  if (typeof code === "string" && (CERTIFICATE_CODES.test(code) || ["28P01", "28000", "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EPROTO"].includes(code))) return true;
  return /does not support SSL/i.test(message);
}
