// Settings of Airlock's connections to PostgreSQL (main database and key vault) and Redis: TLS
// material and credentials as files (mounted Secrets), and the named opt-outs production needs
// before it accepts a connection that is not TLS with a verified certificate.
import { z } from "zod";
import { bool } from "./values.js";

const file = z.string().min(1);

export const operatorConnectionSettings = {
  databaseTlsCaFile: file.optional().describe("PEM file of the CA(s) that signed the PostgreSQL server certificate, for the main database and the key vault. Only these CAs are trusted; with it the default sslmode is verify-full."),
  databaseTlsCertFile: file.optional().describe("PEM client certificate presented to PostgreSQL (mutual TLS); goes with databaseTlsKeyFile."),
  databaseTlsKeyFile: file.optional().describe("PEM private key of databaseTlsCertFile (a mounted Kubernetes Secret)."),
  allowInsecureDatabaseConnection: bool.default(false).describe("Production only: accept a PostgreSQL connection that is not TLS with a verified certificate and host name (sslmode other than verify-full). Without it production refuses to start."),
  redisTlsCaFile: file.optional().describe("PEM file of the CA(s) that signed the Redis server certificate (rediss:// URLs only). Only these CAs are trusted."),
  redisTlsCertFile: file.optional().describe("PEM client certificate presented to Redis (mutual TLS, rediss:// URLs only); goes with redisTlsKeyFile."),
  redisTlsKeyFile: file.optional().describe("PEM private key of redisTlsCertFile (a mounted Kubernetes Secret)."),
  redisUsername: z.string().min(1).max(256).regex(/^[^\s@:/]+$/, "no spaces, @, : or /").optional().describe("Redis ACL user Airlock authenticates as (with redisPasswordFile)."),
  redisPasswordFile: file.optional().describe("File holding the Redis password of redisUsername (or of the default user); never logged. A mounted Kubernetes Secret."),
  allowInsecureRedisConnection: bool.default(false).describe("Production only: accept a plain redis:// connection (no TLS). Without it production refuses to start when redisUrl is not rediss://."),
};
