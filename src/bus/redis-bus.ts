import { Redis } from "ioredis";
import type { Logger } from "../ops/log.js";
import type { Bus, BusHandler } from "./bus.js";
import { closeTraceEnvelope, openTraceEnvelope } from "./trace-envelope.js";
import { describeRedisFailure, redisFailureCode } from "./redis-failure.js";
import { redisConnectionOptions, type RedisSettings } from "./redis-connection.js";

/**
 * Redis pub/sub between replicas: PUBLISH and SUBSCRIBE only, never a key, list or stream, so
 * nothing of a co-browse session is stored in Redis (run it with persistence off as well).
 * Subscriptions need a connection of their own; ioredis resubscribes after a reconnect.
 */
export class RedisBus implements Bus {
  readonly kind = "redis";
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #channels = new Map<string, Set<BusHandler>>();

  private constructor(pub: Redis, sub: Redis) {
    this.#pub = pub;
    this.#sub = sub;
    this.#sub.on("message", (channel: string, message: string) => {
      const handlers = this.#channels.get(channel);
      if (!handlers) return;
      // Every replica opens the envelope, traced or not, so tracing can be turned on one replica at a time.
      const opened = openTraceEnvelope(message);
      for (const handler of [...handlers]) handler(opened.message, opened.trace);
    });
  }

  /**
   * Connects both connections; rejects when Redis is unreachable, refuses the credentials or its
   * certificate, naming the cause and the settings to check but never the URL or a secret.
   */
  static async connect(settings: RedisSettings | string, log: Logger): Promise<RedisBus> {
    const options = {
      ...redisConnectionOptions(typeof settings === "string" ? { redisUrl: settings } : settings),
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      connectionName: "airlock-bus",
    };
    const pub = new Redis(options);
    const sub = new Redis(options);
    let lastError: Error | undefined;
    for (const [role, conn] of [["publish", pub], ["subscribe", sub]] as const) {
      // Errors carry the address at most, never the URL's credentials; reconnects are automatic.
      conn.on("error", (err: Error) => {
        lastError = err;
        log.warn({ role, err: err.name, failure: redisFailureCode(err) }, "bus connection error");
      });
    }
    try {
      await Promise.all([pub.connect(), sub.connect()]);
    } catch (err) {
      pub.disconnect();
      sub.disconnect();
      throw new Error(`cannot connect to the Redis bus ${describeRedisFailure(lastError ?? err)}`, { cause: err });
    }
    return new RedisBus(pub, sub);
  }

  get reachable(): boolean {
    return this.#pub.status === "ready" && this.#sub.status === "ready";
  }

  publish(channel: string, message: string, trace?: string): void {
    this.#pub.publish(channel, trace === undefined ? message : closeTraceEnvelope(trace, message)).catch(() => {
      // Pub/sub is fire-and-forget by design; the error handler above has logged the cause.
    });
  }

  async subscribe(channel: string, handler: BusHandler): Promise<() => void> {
    let handlers = this.#channels.get(channel);
    if (!handlers) {
      this.#channels.set(channel, (handlers = new Set()));
      await this.#sub.subscribe(channel);
    }
    const entry: BusHandler = (m, t) => handler(m, t);
    handlers.add(entry);
    return () => {
      handlers.delete(entry);
      if (handlers.size === 0 && this.#channels.get(channel) === handlers) {
        this.#channels.delete(channel);
        this.#sub.unsubscribe(channel).catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    this.#channels.clear();
    await Promise.allSettled([this.#pub.quit(), this.#sub.quit()]);
  }
}
