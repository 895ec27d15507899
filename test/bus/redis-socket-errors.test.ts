import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { redisConnectionOptions } from "../../src/bus/redis-connection.js";
import { serviceUrl } from "../helpers/services.js";

// ioredis listens for its socket's errors with `once`; a TLS socket cut short can fail twice (a
// reset, then the server's alert), and an 'error' with no listener ends the whole server process.
// Airlock's connections keep a listener for the socket's whole life.

const redisUrl = serviceUrl("AIRLOCK_TEST_REDIS_URL");

describe.skipIf(!redisUrl)("Redis connection socket errors", () => {
  it("a second error on a connection's socket neither throws nor stops ioredis reconnecting", async () => {
    const redis = new Redis({ ...redisConnectionOptions({ redisUrl: redisUrl ?? "" }), lazyConnect: true, maxRetriesPerRequest: 2 });
    const reported: string[] = [];
    redis.on("error", (err: Error) => reported.push(err.message));
    try {
      await redis.connect();
      const socket = redis.stream;
      // EventEmitter throws an 'error' nobody listens to: this is what would end the process.
      expect(() => {
        socket.emit("error", Object.assign(new Error("first failure"), { code: "ECONNRESET" }));
        socket.emit("error", Object.assign(new Error("second failure"), { code: "ERR_SSL_TLSV1_ALERT_DECODE_ERROR" }));
      }).not.toThrow();
      expect(reported).toContain("first failure");
      socket.destroy();
      // The connection comes back by itself, on a fresh socket.
      for (let i = 0; i < 200 && (redis.status !== "ready" || redis.stream === socket); i++) await new Promise((r) => setTimeout(r, 10));
      expect(await redis.ping()).toBe("PONG");
    } finally {
      redis.disconnect();
    }
  });
});
