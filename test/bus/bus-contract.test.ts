import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { Bus } from "../../src/bus/bus.js";
import { MemoryBus } from "../../src/bus/memory-bus.js";
import { RedisBus } from "../../src/bus/redis-bus.js";
import { createLogger } from "../../src/ops/log.js";
import { serviceUrl } from "../helpers/services.js";

// Both buses keep the same contract: asynchronous delivery to every subscriber of a channel,
// nothing for other channels, nothing after unsubscribing, nothing kept for late subscribers.
// The Redis bus also leaves no key behind: pub/sub only, nothing persisted.

const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");
const log = createLogger("silent");

function collect(bus: Bus, channel: string): Promise<{ got: string[]; stop: () => void }> {
  const got: string[] = [];
  return bus.subscribe(channel, (m) => got.push(m)).then((stop) => ({ got, stop }));
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
};

const kinds: [string, () => Promise<Bus>, boolean][] = [
  ["memory", async () => new MemoryBus(), true],
  ["redis", async () => RedisBus.connect(redisUrl ?? "", log), redisUrl !== undefined],
];

for (const [name, open, available] of kinds) {
  describe.skipIf(!available)(`${name} bus`, () => {
    const buses: Bus[] = [];
    afterAll(async () => {
      for (const b of buses) await b.close();
    });

    it("delivers in order to every subscriber of the channel, from another bus instance too, and to no other channel", async () => {
      const a = await open();
      const b = name === "memory" ? a : await open();
      buses.push(a, ...(b === a ? [] : [b]));
      const one = await collect(b, "airlock:test:one");
      const two = await collect(b, "airlock:test:one");
      const other = await collect(b, "airlock:test:other");
      for (let i = 0; i < 50; i++) a.publish("airlock:test:one", `m${i}`);
      await until(() => one.got.length === 50 && two.got.length === 50);
      expect(one.got).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
      expect(two.got).toEqual(one.got);
      expect(other.got).toEqual([]);
    });

    it("delivers nothing after unsubscribing, and keeps nothing for a late subscriber", async () => {
      const bus = await open();
      buses.push(bus);
      const early = await collect(bus, "airlock:test:late");
      bus.publish("airlock:test:late", "before");
      await until(() => early.got.length === 1);
      early.stop();
      const late = await collect(bus, "airlock:test:late");
      bus.publish("airlock:test:late", "after");
      await until(() => late.got.length === 1);
      expect(early.got).toEqual(["before"]);
      expect(late.got).toEqual(["after"]);
    });
  });
}

describe.skipIf(!redisUrl)("redis bus persistence", () => {
  it("leaves no key in Redis after traffic", async () => {
    const bus = await RedisBus.connect(redisUrl ?? "", log);
    const probe = new Redis(redisUrl ?? "");
    try {
      const sub = await collect(bus, "airlock:test:keys");
      for (let i = 0; i < 20; i++) bus.publish("airlock:test:keys", "x".repeat(1000));
      await until(() => sub.got.length === 20);
      // The bus writes nothing (the only keys are other tests' expiring visit records and tokens).
      expect((await probe.keys("*")).filter((key) => !/^airlock:(visit|resume|cosession):/.test(key))).toEqual([]);
    } finally {
      probe.disconnect();
      await bus.close();
    }
  });

  it("refuses to start when Redis is unreachable, without echoing the URL", async () => {
    await expect(RedisBus.connect("redis://user:s3cret@127.0.0.1:1", log)).rejects.toThrow(/^cannot connect to the Redis bus \([A-Za-z]+\)$/);
  });
});
