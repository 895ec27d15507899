// Why a Redis connection failed, in words an operator can act on. Built from error codes and the
// server's reply keyword only: never the URL, the password or the server's free text.

const CERTIFICATE_CODES = /^(SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_(VERIFY_LEAF_SIGNATURE|GET_ISSUER_CERT(_LOCALLY)?)|CERT_[A-Z_]+|ERR_TLS_CERT_ALTNAME_INVALID)$/;

/** A short code for the failure: an errno or TLS code, or the Redis reply's keyword (WRONGPASS, NOAUTH…). */
export function redisFailureCode(err: unknown): string {
  if (!(err instanceof Error)) return "error";
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" && /^[A-Z0-9_]+$/.test(code)) return code;
  const keyword = /^([A-Z]{3,20})\b/.exec(err.message)?.[1];
  if (err.name === "ReplyError" && keyword) return keyword;
  return err.name;
}

/** "(CODE): what it means" — for the refusal at start. */
export function describeRedisFailure(err: unknown): string {
  const code = redisFailureCode(err);
  if (code === "WRONGPASS" || code === "NOAUTH" || code === "NOPERM") {
    return `(${code}): Redis refused Airlock's credentials; check redisUsername and redisPasswordFile (and the ACL rules of that user)`;
  }
  if (CERTIFICATE_CODES.test(code)) {
    return `(${code}): the Redis server certificate is not trusted for this host; check redisTlsCaFile and that the certificate names the host of redisUrl`;
  }
  if (code === "ECONNRESET" || code === "EPROTO") {
    return `(${code}): the connection was cut during set-up; check that redisUrl uses rediss:// exactly when the server expects TLS`;
  }
  return `(${code})`;
}
