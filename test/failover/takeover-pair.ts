// What the takeover tests share: two server processes on one PostgreSQL and Redis with an agent
// signed in at B and a Redis probe, a visitor's script resuming its visit at a process, and a
// bounded wait.
import { Redis } from "ioredis";
import { afterAll, beforeAll } from "vitest";
import type { HttpAgent } from "../auth/helpers/http-agent.js";
import { signInEnrolled } from "../auth/helpers/login.js";
import { startReplicaPair, type ReplicaPair, type ReplicaPairOptions } from "../helpers/replicas.js";
import type { TestServer } from "../helpers/server.js";
import { serviceUrl } from "../helpers/services.js";
import { DEMO_ORIGIN, WsClient, wsUrl } from "../relay/ws-client.js";

export interface TakeoverPair {
  readonly replicas: ReplicaPair;
  readonly a: TestServer;
  readonly b: TestServer;
  readonly agent: HttpAgent;
  readonly redis: Redis;
}

/** Started before the suite's tests, stopped after them; read its fields once the suite runs. */
export function takeoverPair(options: ReplicaPairOptions = {}): TakeoverPair {
  let started: TakeoverPair | undefined;
  beforeAll(async () => {
    const replicas = await startReplicaPair(options);
    const { agent } = await signInEnrolled(replicas.b, "agent");
    started = { replicas, a: replicas.a, b: replicas.b, agent, redis: new Redis(serviceUrl("AIRLOCK_TEST_REDIS_URL") ?? "") };
  });
  afterAll(async () => {
    started?.redis.disconnect();
    await started?.replicas.stop();
  });
  const get = (): TakeoverPair => {
    if (!started) throw new Error("the takeover pair is read before its suite started");
    return started;
  };
  return {
    get replicas() {
      return get().replicas;
    },
    get a() {
      return get().a;
    },
    get b() {
      return get().b;
    },
    get agent() {
      return get().agent;
    },
    get redis() {
      return get().redis;
    },
  };
}

/** The visitor's script resuming its visit at `server` with the token it holds, from a page of `origin`. */
export async function resumeAt(server: TestServer, token: unknown, origin = DEMO_ORIGIN): Promise<WsClient> {
  const client = await WsClient.open(wsUrl(server, "/ws/visitor"), origin);
  client.send(resumeFrame(token, origin));
  return client;
}

export function resumeFrame(token: unknown, origin = DEMO_ORIGIN): Record<string, unknown> {
  return { kind: "resume", versions: [1, 2], resumeToken: token, url: `${origin}/next`, viewport: { width: 1000, height: 700 } };
}

/** Until `fn` gives a value, polled every 20 ms for at most 6 s. */
export async function until<T>(fn: () => T | undefined | Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const value = await fn();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("condition not reached");
}
