import { pino, type DestinationStream, type Logger } from "pino";

// Anything that could carry a credential or personal content is censored wherever it appears
// in a log object. Request logs also never include query strings or bodies (see http/access-log.ts).
export const redactPaths = [
  "*.authorization",
  "*.cookie",
  "*.set-cookie",
  "*.password",
  "*.secret",
  "*.token",
  "*.ticket",
  "*.code",
  "*.masterKey",
  "*.oidcClientSecret",
  "*.databaseUrl",
  "*.keyVaultUrl",
  "*.redisUrl",
  "headers.authorization",
  "headers.cookie",
  "headers[\"set-cookie\"]",
  "req.headers.authorization",
  "req.headers.cookie",
  "res.headers[\"set-cookie\"]",
  "authorization",
  "cookie",
  "password",
  "secret",
  "token",
  "accessToken",
  "idToken",
  "refreshToken",
  "ticket",
  "masterKey",
  "oidcClientSecret",
];

export type { Logger };

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: "airlock" },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: redactPaths, censor: "[redacted]" },
    formatters: { level: (label: string) => ({ level: label }) },
  };
  return destination ? pino(options, destination) : pino(options);
}
