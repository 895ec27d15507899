// The single source of truth for Airlock's settings. Every key here is documented in
// docs/configuration.md (a test keeps the two in step). Keys are camelCase in the YAML file
// (AIRLOCK_CONFIG) and AIRLOCK_UPPER_SNAKE in the environment.
import { z } from "zod";
import { bool, list, port } from "./values.js";
import { operatorConnectionSettings } from "./operator-connections.js";

export const configSchema = z
  .object({
    mode: z.enum(["dev", "production"]).default("dev").describe("`dev` enables local conveniences (dev IdP, generated keys); `production` refuses them."),
    host: z.string().min(1).default("127.0.0.1").describe("Address the HTTP listener binds to."),
    port: port.default(8080).describe("Port of the HTTP listener (0 picks a free port)."),
    publicUrl: z.url().optional().describe("URL agents and visitors use to reach Airlock; defaults to http://HOST:PORT in dev. Must be https in production."),
    dataDir: z.string().min(1).default("./data").describe("Writable directory for the SQLite database and dev-mode generated keys."),
    databaseUrl: z.string().min(1).optional().describe("`postgres://…` for PostgreSQL, or `sqlite:PATH`; default is `sqlite:DATA_DIR/airlock.db`."),
    keyVaultUrl: z.string().min(1).optional().describe("Key vault for the wrapped chat data keys, kept apart from the main database so erasure reaches its copies: `sqlite:PATH`, or with a PostgreSQL databaseUrl a separate PostgreSQL database (`postgres://…/airlock_keys`); default is `sqlite:DATA_DIR/keyvault.db`. Required in production when databaseUrl is PostgreSQL."),
    databasePoolSize: z.coerce.number().int().min(1).max(200).default(10).describe("Maximum PostgreSQL connections per replica."),
    redisUrl: z.string().min(1).optional().describe("`rediss://…` (TLS) or `redis://…` for the cross-replica bus; required when more than one replica runs."),
    policyDir: z.string().min(1).optional().describe("Folder of policy files overriding the shipped `policies/` (mounted ConfigMap in Kubernetes)."),
    idp: z.enum(["dev", "oidc"]).default("dev").describe("`dev` starts the built-in OIDC provider with demo users; `oidc` uses an external IdP."),
    devIdpPort: port.default(8180).describe("Loopback port of the built-in dev IdP (idp=dev, dev mode only; 0 picks a free port)."),
    oidcIssuer: z.url().optional().describe("Issuer URL of the external IdP (idp=oidc)."),
    oidcClientId: z.string().min(1).optional().describe("OIDC client id registered for Airlock at the IdP."),
    oidcClientSecret: z.string().min(1).optional().describe("OIDC client secret (secret; prefer oidcClientSecretFile)."),
    oidcClientSecretFile: z.string().min(1).optional().describe("File holding the OIDC client secret (a mounted Kubernetes Secret)."),
    masterKey: z.string().min(1).optional().describe("Master key for encryption at rest as `KEYID:BASE64(32 bytes)` (secret; prefer masterKeyFile)."),
    masterKeyFile: z.string().min(1).optional().describe("File holding one master key per line as `KEYID:BASE64`; the last line encrypts new data."),
    allowedOrigins: list.default([]).describe("Extra exact origins (scheme://host[:port]) allowed to call the console API besides publicUrl's origin."),
    tlsCertFile: z.string().min(1).optional().describe("PEM certificate chain for native TLS (deployments without an ingress)."),
    tlsKeyFile: z.string().min(1).optional().describe("PEM private key for native TLS."),
    trustProxy: bool.default(false).describe("Trust X-Forwarded-* headers from a reverse proxy / ingress."),
    proxyCount: z.coerce.number().int().min(0).max(10).default(1).describe("Number of trusted proxies in front of Airlock (used with trustProxy)."),
    bodyLimitBytes: z.coerce.number().int().min(1024).max(10 * 1024 * 1024).default(64 * 1024).describe("Largest accepted HTTP request body."),
    // Bounds against slow or greedy clients (docs/configuration.md, "Slow and greedy clients").
    httpHeadersTimeoutMs: z.coerce.number().int().min(100).max(120_000).default(10_000).describe("Time a client has to send a request's headers, WebSocket upgrade requests included; then the connection is answered 408 and closed (slowloris bound)."),
    httpRequestTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(30_000).describe("Time a client has to send a whole request, headers and body; then the connection is answered 408 and closed. At least httpHeadersTimeoutMs."),
    httpKeepAliveTimeoutMs: z.coerce.number().int().min(100).max(600_000).default(5_000).describe("How long an idle keep-alive connection stays open waiting for the next request."),
    wsHandshakeTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(10_000).describe("Time a WebSocket client has from its upgrade request until the socket is open and its opening frame (`hello` or `resume`) has arrived; then it is closed."),
    maxConnectionsPerClient: z.coerce.number().int().min(1).max(100_000).default(256).describe("Open connections (and, behind trusted proxies, requests in flight and WebSockets) one client address may hold at once; more are refused. The address is resolved through the policy's trusted proxies."),
    shutdownTimeoutMs: z.coerce.number().int().min(0).max(600_000).default(15_000).describe("How long shutdown waits for in-flight requests before closing them."),
    logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info").describe("Minimum level of the JSON log."),
    metricsEnabled: bool.default(true).describe("Serve Prometheus metrics on a separate listener."),
    metricsHost: z.string().min(1).default("127.0.0.1").describe("Address of the metrics listener."),
    metricsPort: port.default(9464).describe("Port of the metrics listener (0 picks a free port)."),
    retentionIntervalMs: z.coerce.number().int().min(1000).max(86_400_000).default(3_600_000).describe("Pause between retention runs (policies/retention.yaml is applied at start and then after each pause)."),
    assetProxyAllowLoopback: bool.default(false).describe("Dev mode only: let the asset proxy fetch from loopback addresses (the demo site Airlock serves itself). Production refuses it."),
    assetProxyMaxBytes: z.coerce.number().int().min(1024).max(64 * 1024 * 1024).default(8 * 1024 * 1024).describe("Largest page asset (image, stylesheet, font, media) the asset proxy fetches; larger bodies are cut off and refused."),
    assetProxyTimeoutMs: z.coerce.number().int().min(100).max(60_000).default(10_000).describe("Time limit for one asset fetch, redirects included."),
    assetProxyCacheBytes: z.coerce.number().int().min(0).max(1024 * 1024 * 1024).default(32 * 1024 * 1024).describe("Memory (never disk) for recently proxied assets, kept at most a minute; 0 turns the cache off."),
    clamdAddress: z.string().min(1).optional().describe("Where ClamAV's clamd listens, `unix:/run/clamav/clamd.ctl` or `tcp://127.0.0.1:3310` (loopback: a sidecar in the same pod). Chat attachments are scanned with its INSTREAM command before anyone but the sender sees them; without it every attachment is refused `scanner_unavailable`."),
    clamdTimeoutMs: z.coerce.number().int().min(100).max(300_000).default(30_000).describe("Time limit for clamd's verdict on one attachment; past it the file is refused `scanner_unavailable`, never delivered unscanned."),
    webhookSecrets: list.default([]).describe("Signing secrets of the webhook subscriptions in policies/webhooks.yaml, as `NAME=whsec_BASE64` (comma-separated; secret; prefer webhookSecretsFile). A subscription names its secret; a name no setting holds stops the start."),
    webhookSecretsFile: z.string().min(1).optional().describe("File holding one webhook signing secret per line as `NAME=whsec_BASE64` (a mounted Kubernetes Secret)."),
    // Visitor quotas and persistent offenders (docs/configuration.md, "Quotas"): what one visit or
    // one client address may open or send, and when a socket that keeps pushing is closed.
    chatOpenConversationsPerVisit: z.coerce.number().int().min(1).max(100).default(3).describe("Conversations one visit may have open at once (waiting, active or an unanswered offline message); one more is refused `too_many_conversations`. Each open conversation holds a data key in the key vault."),
    chatMessagesPerMinutePerVisit: z.coerce.number().int().min(1).max(1_000).default(30).describe("Chat messages (offline messages included) one visit may store per minute, sliding, counted by the replica holding the visit's connection; more are refused `too_many_messages` and the visitor's widget sends them again later."),
    visitsPerClientPerMinute: z.coerce.number().int().min(1).max(100_000).default(10).describe("New visits (a `hello`, not a `resume` on the next page) one client address may open per minute, sliding; more are refused `too_many_visits` and closed with 4429. The address is resolved through the policy's trusted proxies; counted per replica."),
    wsOffenceLimit: z.coerce.number().int().min(1).max(100_000).default(200).describe("Refusals for rate or quota (`rate_limited`, `too_many_messages`, `too_many_conversations`) one visitor or agent WebSocket may collect within wsOffenceWindowSeconds; one more closes it with 4429. A frame that fits again forgives nothing; only time does."),
    wsOffenceWindowSeconds: z.coerce.number().int().min(1).max(3_600).default(60).describe("The window of wsOffenceLimit: refusals are forgiven at wsOffenceLimit per this many seconds."),
    // TLS and credentials towards PostgreSQL and Redis (docs/configuration.md, "Connections to PostgreSQL and Redis").
    ...operatorConnectionSettings,
  })
  .strict();

export type ConfigInput = z.input<typeof configSchema>;
export type Config = Readonly<z.output<typeof configSchema>> & {
  readonly publicUrl: string;
  readonly databaseUrl: string;
  readonly keyVaultUrl: string;
};

export type ConfigKey = keyof z.output<typeof configSchema>;

/** `dataDir` -> `AIRLOCK_DATA_DIR` */
export function envName(key: string): string {
  return "AIRLOCK_" + key.replace(/[A-Z]/g, (c) => "_" + c).toUpperCase();
}

/** Keys whose values must never be printed or logged. */
export const secretKeys: ReadonlySet<ConfigKey> = new Set(["oidcClientSecret", "masterKey", "databaseUrl", "keyVaultUrl", "redisUrl", "webhookSecrets"]);
