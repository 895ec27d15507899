import { describe, expect, it } from "vitest";
import type { BusHandler } from "../../src/bus/bus.js";
import { MemoryBus } from "../../src/bus/memory-bus.js";
import { RedisBus } from "../../src/bus/redis-bus.js";
import { closeTraceEnvelope, openTraceEnvelope } from "../../src/bus/trace-envelope.js";
import { createLogger } from "../../src/ops/log.js";
import { serviceUrl } from "../helpers/services.js";

// The traceparent beside a bus message: it crosses Redis in the bus's envelope, every replica
// opens the envelope (tracing on or off), and nothing malformed is taken for a trace.

const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");
const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

function collector() {
  const got: { message: string; trace: string | undefined }[] = [];
  const handler: BusHandler = (message, trace) => void got.push({ message, trace });
  return { got, handler };
}

describe("bus trace envelope", () => {
  it("round-trips a traceparent and leaves plain or malformed messages as they are", () => {
    expect(openTraceEnvelope(closeTraceEnvelope(TRACEPARENT, '{"t":"x"}'))).toEqual({ message: '{"t":"x"}', trace: TRACEPARENT });
    expect(openTraceEnvelope('{"t":"x"}')).toEqual({ message: '{"t":"x"}' });
    expect(closeTraceEnvelope("not-a-traceparent", '{"t":"x"}')).toBe('{"t":"x"}');
    const forged = `\u001e00-${"z".repeat(32)}-b7ad6b7169203331-01\u001e{"t":"x"}`;
    expect(openTraceEnvelope(forged)).toEqual({ message: '{"t":"x"}' });
    expect(openTraceEnvelope("\u001eshort")).toEqual({ message: "\u001eshort" });
  });

  it("the in-process bus hands the traceparent to its handlers", async () => {
    const bus = new MemoryBus();
    const { got, handler } = collector();
    await bus.subscribe("airlock:test", handler);
    bus.publish("airlock:test", "plain");
    bus.publish("airlock:test", "traced", TRACEPARENT);
    await expect.poll(() => got).toEqual([{ message: "plain", trace: undefined }, { message: "traced", trace: TRACEPARENT }]);
  });

  it.skipIf(!redisUrl)("over Redis the receiving replica gets the message without its envelope, and the traceparent beside it", async () => {
    const log = createLogger("silent");
    const [a, b] = [await RedisBus.connect(redisUrl ?? "", log), await RedisBus.connect(redisUrl ?? "", log)];
    try {
      const { got, handler } = collector();
      const channel = `airlock:trace-envelope-${process.pid}`;
      await b.subscribe(channel, handler);
      a.publish(channel, '{"t":"plain"}');
      a.publish(channel, '{"t":"traced"}', TRACEPARENT);
      await expect.poll(() => got).toEqual([
        { message: '{"t":"plain"}', trace: undefined },
        { message: '{"t":"traced"}', trace: TRACEPARENT },
      ]);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
