import { readFileSync } from "node:fs";
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Config } from "../config/schema.js";
import { connectionSecurity, warnInsecureConnections } from "../config/operator-connection-rules.js";
import { createLogger, type Logger } from "../ops/log.js";
import { registerBackupMetric } from "../ops/backup-metrics.js";
import { Metrics, createMetricsServer } from "../ops/metrics.js";
import { recordPolicyHash } from "../audit/policy-hash.js";
import { PolicyEngine } from "../policy/engine.js";
import { PolicyError } from "../policy/errors.js";
import { policySourceFor } from "../policy/load.js";
import { startIdentity } from "../auth/identity.js";
import { loadMasterKeys } from "../auth/master-keys.js";
import { assetProxyFromConfig } from "../relay/asset-proxy/from-config.js";
import { openBus } from "../bus/open-bus.js";
import type { Clock } from "../relay/clock.js";
import { Relay } from "../relay/relay.js";
import { linkCobrowseSession } from "../chat/cobrowse-timeline.js";
import { RedisVisitStore, VISIT_RECORD_TTL_MS } from "../relay/visits/redis-visit-store.js";
import { relayAudit } from "../relay/relay-audit.js";
import { attachWebSockets } from "./ws/upgrade-dispatcher.js";
import { airlockMessageGuards } from "./message-guards.js";
import type { HostLookup } from "../relay/asset-proxy/resolver.js";
import { openStorage } from "../storage/db.js";
import { describePostgresFailure, isPostgresConnectionFailure } from "../storage/postgres-failure.js";
import { createRetention } from "../retention/create.js";
import { pendingMigrations } from "../storage/migrate.js";
import { createApp, type AppOptions } from "./app.js";
import { ClientSlots } from "../http/client-slots.js";
import { FailureLog } from "../http/failure-log.js";
import { guardListener, listenerBounds } from "../http/listener-bounds.js";
import type { Lifecycle, Services } from "../http/context.js";
import { startChat } from "../chat/runtime.js";
import type { Telemetry } from "../telemetry/telemetry.js";
import { DomainEvents } from "../events/domain-events.js";
import { withDomainEvents } from "../events/cobrowse-events.js";
import { loadWebhookSecrets } from "../webhooks/secrets.js";
import { startWebhooks } from "../webhooks/runtime.js";

export interface RunningServer {
  readonly services: Services;
  readonly server: Server;
  readonly metricsServer: Server | undefined;
  readonly url: string;
  readonly metricsUrl: string | undefined;
  /** Re-reads the policy (also on SIGHUP); an invalid policy is rejected and the previous one stays in force. */
  reloadPolicy(): Promise<{ ok: true; changed: boolean; hash: string } | { ok: false; error: PolicyError }>;
  /** Stops accepting, lets in-flight requests finish (up to shutdownTimeoutMs), closes storage. */
  shutdown(reason: string): Promise<void>;
}

export interface StartOptions extends AppOptions {
  readonly log?: Logger;
  /** A ready policy engine (tests); by default the policy is loaded from config (refusing to start when invalid). */
  readonly policy?: PolicyEngine;
  /** Host name resolution for the asset proxy (tests map test host names); default: the system resolver. */
  readonly assetLookup?: HostLookup;
  /** Clock of the co-browse sessions (agent inactivity, visitor grace); tests inject a manual one. */
  readonly relayClock?: Clock;
  /** Clock of chat routing (offer timeouts) and business hours; tests inject a manual one. */
  readonly chatClock?: Clock;
  /** Clock of the retention scheduler (epoch ms); tests move it past the policy's periods. */
  readonly retentionClock?: () => number;
  /** OpenTelemetry, when the OTEL_* variables turned it on (src/telemetry/start.ts); its owner flushes and stops it. */
  readonly telemetry?: Telemetry;
  /** Host name resolution for webhook endpoints (tests map test host names); default: the system resolver. */
  readonly webhookLookup?: HostLookup;
}

export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logLevel);
  // Invalid policy: refuse to start with the same file/line/field message `airlock policy check` prints.
  const policy = options.policy ?? PolicyEngine.load(policySourceFor(config));
  // A webhook subscription whose signing secret no setting holds: refuse to start, naming it.
  const webhookSecrets = loadWebhookSecrets(config, policy.policy.webhooks);
  const { telemetry } = options;
  const openedStorage = openStorage(config.databaseUrl, { poolSize: config.databasePoolSize, tls: config });
  const storage = telemetry ? telemetry.traceStorage(openedStorage) : openedStorage;
  const pending = await pendingMigrations(storage).catch(async (err: unknown) => {
    await storage.close();
    throw storage.dialect === "postgres" && isPostgresConnectionFailure(err) ? new Error(describePostgresFailure("database", err), { cause: err }) : err;
  });
  if (pending.length > 0) {
    await storage.close();
    throw new Error(`database schema is not current (pending migrations: ${pending.join(", ")}); run "airlock migrate up"`);
  }
  const metrics = new Metrics();
  registerBackupMetric(metrics.registry, storage.db);
  const lifecycle: Lifecycle = { shuttingDown: false };
  const identity = await startIdentity({ config, storage, log, policy }).catch(async (err: unknown) => {
    await storage.close();
    throw err;
  });
  const assets = assetProxyFromConfig(config, policy, loadMasterKeys(config).current.key, options.assetLookup);
  const openedBus = await openBus(config, log).catch(async (err: unknown) => {
    await identity.close();
    await storage.close();
    throw err;
  });
  const bus = telemetry ? telemetry.traceBus(openedBus) : openedBus;
  // A co-browse session that starts is linked to its visit's open chats (their transcripts show it).
  const domainEvents = new DomainEvents();
  const sessionAudit = relayAudit(storage, log, (session, site) => {
    const visit = relay.cobrowseSession(session)?.visit;
    return visit ? linkCobrowseSession(storage.db, { session, site, visit }, Date.now()) : Promise.resolve();
  });
  // Several server processes share visits (resume tokens, consent, watchers) through Redis.
  const visitStore = config.redisUrl ? await RedisVisitStore.connect({ ...config, redisUrl: config.redisUrl }, VISIT_RECORD_TTL_MS, log) : undefined;
  const relay = new Relay({ policy, bus, log, signer: assets.signer, audit: withDomainEvents(sessionAudit.audit, domainEvents), ...(options.relayClock ? { clock: options.relayClock } : {}), ...(visitStore ? { visitStore } : {}) });
  await relay.start();
  const retention = createRetention({ storage, policy, identity, log, metrics, intervalMs: config.retentionIntervalMs }, options.retentionClock ? { now: options.retentionClock } : {});
  const onRoutingError = (err: unknown) => log.error({ err: err instanceof Error ? err.name : typeof err }, "chat routing pass failed");
  const chat = await startChat({ config, storage, policy, bus, retention, onRoutingError, events: domainEvents, ...(options.chatClock ? { clock: options.chatClock } : {}) });
  const webhooks = startWebhooks({ storage, policy, log, secrets: webhookSecrets, keys: chat.keys, events: domainEvents, retention, ...(options.webhookLookup ? { lookup: options.webhookLookup } : {}) });
  // The live visitor list shows whether each visit is being co-browsed.
  relay.onCobrowseState((site, visit, state) => chat.presence.setCobrowse(site, visit, state));
  const failures = new FailureLog(log);
  const clientSlots = new ClientSlots(config.maxConnectionsPerClient, () => identity.policy.network.trustedProxies);
  const messageGuards = airlockMessageGuards();
  const services: Services = { config, storage, log, failures, clientSlots, metrics, lifecycle, policy, messageGuards, identity, assets, relay, retention, chat, bus, webhooks };
  await recordPolicyHash(storage.db, policy.hash, "system");
  log.info({ policyHash: policy.hash }, "policy loaded");
  const app = createApp(services, options);

  const respond = app.callback();
  // Koa answers a request's failure itself (ctx.onerror), so the promise it returns never rejects.
  const handler = (req: IncomingMessage, res: ServerResponse): void => void respond(req, res);
  const bounds = listenerBounds(config);
  const server = config.tlsCertFile && config.tlsKeyFile
    ? createHttpsServer({ ...bounds, cert: readFileSync(config.tlsCertFile), key: readFileSync(config.tlsKeyFile), minVersion: "TLSv1.2" }, handler)
    : createHttpServer(bounds, handler);
  guardListener(server, clientSlots, failures);
  const sockets = await attachWebSockets(server, services, relay, bus, chat);
  const stopObservingConnections = telemetry?.observeConnections(() => sockets.counts());
  await listen(server, config.port, config.host);
  const scheme = config.tlsCertFile ? "https" : "http";
  const url = `${scheme}://${hostForUrl(config.host)}:${(server.address() as AddressInfo).port}`;

  let metricsServer: Server | undefined;
  let metricsUrl: string | undefined;
  if (config.metricsEnabled) {
    metricsServer = createMetricsServer(metrics);
    await listen(metricsServer, config.metricsPort, config.metricsHost);
    metricsUrl = `http://${hostForUrl(config.metricsHost)}:${(metricsServer.address() as AddressInfo).port}/metrics`;
  }
  log.info({ url, metricsUrl, mode: config.mode, dialect: storage.dialect, connections: connectionSecurity(config) }, "airlock listening");
  warnInsecureConnections(config, log);
  // Every job is registered by now (capabilities register while the services are built). The
  // first run has ended when startServer returns, so callers see retention applied once.
  await retention.start();

  const reloadPolicy: RunningServer["reloadPolicy"] = async () => {
    try {
      const outcome = policy.reload();
      if (outcome.changed) await recordPolicyHash(storage.db, outcome.hash, "system");
      log.info({ policyHash: outcome.hash, changed: outcome.changed }, "policy reloaded");
      return { ok: true, changed: outcome.changed, hash: outcome.hash };
    } catch (err) {
      if (!(err instanceof PolicyError)) throw err;
      log.error({ issues: err.issues, policyHash: policy.hash }, "policy reload rejected: the previous policy stays in force");
      return { ok: false, error: err };
    }
  };
  const onHangup = () => {
    reloadPolicy().catch((err: unknown) => log.error({ err: err instanceof Error ? err.name : typeof err }, "policy reload failed"));
  };
  process.on("SIGHUP", onHangup);

  let stopping: Promise<void> | undefined;
  const shutdown = (reason: string): Promise<void> => {
    stopping ??= (async () => {
      lifecycle.shuttingDown = true;
      process.off("SIGHUP", onHangup);
      log.info({ reason }, "shutting down: draining in-flight requests");
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their last response ends; close them as they do.
      server.closeIdleConnections();
      const sweeper = setInterval(() => server.closeIdleConnections(), 50);
      // Co-browse sessions end (`server_shutdown`) and every WebSocket closes with 1001.
      await sockets.shutdown(config.shutdownTimeoutMs);
      stopObservingConnections?.();
      const timer = setTimeout(() => {
        log.warn({ timeoutMs: config.shutdownTimeoutMs }, "shutdown timeout: closing remaining connections");
        server.closeAllConnections();
      }, config.shutdownTimeoutMs);
      timer.unref();
      await closed;
      clearTimeout(timer);
      clearInterval(sweeper);
      if (metricsServer) await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      await retention.stop();
      await identity.close();
      await sessionAudit.drain();
      await chat.close();
      await webhooks.stop();
      await bus.close();
      await visitStore?.close();
      await storage.close();
      log.info("shutdown complete");
    })();
    return stopping;
  };

  return { services, server, metricsServer, url, metricsUrl, reloadPolicy, shutdown };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

function hostForUrl(host: string): string {
  return host.includes(":") ? `[${host}]` : host;
}
