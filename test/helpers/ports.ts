
// Tests run beside a running Airlock (`make run` holds 8080, its dev IdP 8180 and its metrics
// 9464) and beside each other: every listener a test starts takes a free port, never a default.

/** The listener settings of a test Airlock: each port picked free by the system when it binds. */
export const freeListenerEnv: Readonly<Record<"AIRLOCK_PORT" | "AIRLOCK_METRICS_PORT" | "AIRLOCK_DEV_IDP_PORT", string>> = {
  AIRLOCK_PORT: "0",
  AIRLOCK_METRICS_PORT: "0",
  AIRLOCK_DEV_IDP_PORT: "0",
};

/** A loopback port free right now, for a listener whose URL must be known before it starts (publicUrl). */
export { freePort } from "../../src/bench/free-port.js";
