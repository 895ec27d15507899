import { createServer } from "node:net";

// Tests run beside a running Airlock (`make run` holds 8080, its dev IdP 8180 and its metrics
// 9464) and beside each other: every listener a test starts takes a free port, never a default.

/** The listener settings of a test Airlock: each port picked free by the system when it binds. */
export const freeListenerEnv: Readonly<Record<"AIRLOCK_PORT" | "AIRLOCK_METRICS_PORT" | "AIRLOCK_DEV_IDP_PORT", string>> = {
  AIRLOCK_PORT: "0",
  AIRLOCK_METRICS_PORT: "0",
  AIRLOCK_DEV_IDP_PORT: "0",
};

/** A loopback port free right now, for a listener whose URL must be known before it starts (publicUrl). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
