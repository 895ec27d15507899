import type { Kysely } from "kysely";
import { Registry } from "prom-client";
import { upsertAgent } from "../../src/auth/agents.js";
import { trailIdentityAudit } from "../../src/auth/audit.js";
import { SessionEvents } from "../../src/auth/session-events.js";
import { SessionStore } from "../../src/auth/session-store.js";
import type { Database } from "../../src/storage/schema.js";
import type { Timer } from "../../src/retention/scheduler.js";

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public t: number) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** A timer that only records what was scheduled; the test fires it. */
export class ManualTimer {
  readonly pending: { run: () => void; ms: number; cancelled: boolean }[] = [];
  readonly timer: Timer = (run, ms) => {
    const entry = { run, ms, cancelled: false };
    this.pending.push(entry);
    return () => void (entry.cancelled = true);
  };
  /** Fires the latest scheduled, uncancelled callback. */
  fire(): void {
    const next = this.pending.filter((p) => !p.cancelled).at(-1);
    if (!next) throw new Error("nothing scheduled");
    next.cancelled = true;
    next.run();
  }
  live(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }
}

export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l));
  return Number(value?.value ?? 0);
}

export const HOUR_MS = 3_600_000;

/** The identity session store with shipped-policy timeouts (15 min idle, 10 h absolute) on a manual clock. */
export function sessionStoreFor(db: Kysely<Database>, clock: ManualClock): { store: SessionStore; events: SessionEvents } {
  const events = new SessionEvents();
  const rules = { idleTimeoutMs: 15 * 60_000, absoluteTimeoutMs: 10 * HOUR_MS, wsTicketTtlMs: 30_000, reauthWindowMs: 300_000 };
  return { store: new SessionStore(db, () => rules, events, trailIdentityAudit, clock.now), events };
}

export async function demoAgent(db: Kysely<Database>, name: string, now: number): Promise<string> {
  const agent = await upsertAgent(db, { issuer: "https://idp.example", subject: name, name, email: null, groups: ["airlock-agents"] }, now);
  return agent.id;
}

export { Registry };
