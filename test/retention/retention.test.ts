import { sql } from "kysely";
import { expect, it } from "vitest";
import { recordAudit, verifyAudit } from "../../src/audit/trail.js";
import type { SessionEnded } from "../../src/auth/session-events.js";
import { PolicyEngine } from "../../src/policy/engine.js";
import { policySourceFor } from "../../src/policy/load.js";
import { auditTrailJob, loginSessionsJob } from "../../src/retention/builtin-jobs.js";
import { DAY_MS, type RetentionRun } from "../../src/retention/job.js";
import { RetentionScheduler } from "../../src/retention/scheduler.js";
import type { Storage } from "../../src/storage/db.js";
import { describeEachDialect } from "../helpers/dialects.js";
import { captureLog } from "../helpers/log-sink.js";
import { HOUR_MS, ManualClock, ManualTimer, Registry, demoAgent, metricValue, sessionStoreFor } from "./fixture.js";

const shipped = PolicyEngine.load(policySourceFor({ mode: "dev" })).policy.retention;
const T0 = Date.UTC(2030, 0, 1);

function scheduler(storage: Storage, clock: ManualClock, extra: { timer?: ManualTimer } = {}) {
  const registry = new Registry();
  const captured = captureLog();
  const s = new RetentionScheduler({ policy: () => shipped, log: captured.log, registry, intervalMs: HOUR_MS, now: () => clock.now(), ...(extra.timer ? { timer: extra.timer.timer } : {}) });
  return { s, registry, logText: captured.text };
}

describeEachDialect("retention scheduler", (fx) => {
  it("prunes the audit trail past auditTrail.days, keeps the chain verifiable and records the prune", async () => {
    const storage = await fx.open();
    const clock = new ManualClock(T0);
    const old = T0 - (shipped.auditTrail.days + 1) * DAY_MS;
    for (let i = 0; i < 6; i++) await recordAudit(storage.db, { actor: "system", action: "policy.changed", target: `policy:sha256:old${i}`, decision: "info", at: old + i });
    for (let i = 0; i < 3; i++) await recordAudit(storage.db, { actor: "system", action: "policy.changed", target: `policy:sha256:new${i}`, decision: "info", at: T0 - DAY_MS + i });
    const { s, registry, logText } = scheduler(storage, clock);
    s.register("auditTrail", auditTrailJob(storage.db));

    expect(await s.runNow()).toEqual({ pruned: { auditTrail: 6 }, failed: [] });
    const kept = await storage.db.selectFrom("audit_log").select(["seq", "action", "target", "rule", "at"]).orderBy("seq").execute();
    expect(kept.map((r) => Number(r.seq))).toEqual([7, 8, 9, 10]);
    expect(kept.at(-1)).toMatchObject({ action: "audit.pruned", target: "audit:upto:6", rule: "retention.auditTrail" });
    expect(Number(kept.at(-1)?.at)).toBe(T0);
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: true, entries: 4, headSeq: 10 });
    expect(await metricValue(registry, "airlock_retention_pruned_total", { kind: "auditTrail" })).toBe(6);

    // Nothing more is due: a second run removes nothing and writes no entry.
    expect(await s.runNow()).toEqual({ pruned: { auditTrail: 0 }, failed: [] });
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: true, headSeq: 10 });

    // A deletion after the new anchor is still caught.
    await sql`delete from audit_log where seq = 8`.execute(storage.db);
    expect(await verifyAudit(storage.db)).toMatchObject({ ok: false, brokenAt: 8 });
    expect(logText()).toContain('"pruned":{"auditTrail":6}');
  });

  it("ends login sessions past their timeouts or older than loginSessions.days, audited, and keeps live ones", async () => {
    const storage = await fx.open();
    const clock = new ManualClock(T0);
    const { store, events } = sessionStoreFor(storage.db, clock);
    const ended: SessionEnded[] = [];
    events.onEnded((e) => ended.push(e));
    const agentId = await demoAgent(storage.db, "ret-agent", clock.t);
    const idle = await store.create({ agentId, idpSid: null, amr: [], idTokenHint: null });
    clock.advance(20 * 60_000);
    const live = await store.create({ agentId, idpSid: null, amr: [], idTokenHint: null });
    const { s, registry } = scheduler(storage, clock);
    s.register("loginSessions", loginSessionsJob(store));

    expect(await s.runNow()).toEqual({ pruned: { loginSessions: 1 }, failed: [] });
    expect(ended).toEqual([{ sessionRef: idle.ref, agentId, reason: "idle" }]);
    expect(await store.findByRef(live.ref)).toBeDefined();

    // Kept busy past the absolute timeout, the live session ends as "absolute".
    for (let h = 0; h < 10; h++) {
      clock.advance(HOUR_MS);
      await storage.db.updateTable("agent_session").set({ last_seen_at: clock.t }).where("id_hash", "=", live.ref).execute();
    }
    expect(await s.runNow()).toEqual({ pruned: { loginSessions: 1 }, failed: [] });
    expect(ended.at(-1)).toMatchObject({ sessionRef: live.ref, reason: "absolute" });
    const audited = await storage.db.selectFrom("audit_log").select(["action", "target"]).where("action", "=", "auth.session.ended").orderBy("seq").execute();
    expect(audited.map((a) => a.target)).toEqual(["reason:idle", "reason:absolute"]);
    expect(await metricValue(registry, "airlock_retention_pruned_total", { kind: "loginSessions" })).toBe(2);
  });

  it("a retention period shorter than the session timeouts ends a session as 'retention'", async () => {
    const storage = await fx.open();
    const clock = new ManualClock(T0);
    const { store } = sessionStoreFor(storage.db, clock);
    const agentId = await demoAgent(storage.db, "ret-short", clock.t);
    const s1 = await store.create({ agentId, idpSid: null, amr: [], idTokenHint: null });
    clock.advance(5 * 60_000);
    // As if retention.yaml said a few minutes: the cutoff lies after the session's creation.
    expect(await store.endExpired(clock.t - 60_000)).toBe(1);
    expect(await store.findByRef(s1.ref)).toBeUndefined();
    const row = await storage.db.selectFrom("audit_log").select("target").where("action", "=", "auth.session.ended").executeTakeFirstOrThrow();
    expect(row.target).toBe("reason:retention");
  });

});

it("hands a registered job its kind's days and cutoff from the current policy (chat registers this way)", async () => {
  const clock = new ManualClock(T0);
  let days = 90;
  const registry = new Registry();
  const s = new RetentionScheduler({ policy: () => ({ ...shipped, chatTranscripts: { ...shipped.chatTranscripts, days } }), log: captureLog().log, registry, intervalMs: HOUR_MS, now: clock.now });
  const runs: RetentionRun[] = [];
  const unregister = s.register("chatTranscripts", async (run) => {
    runs.push(run);
    return 4;
  });
  await s.runNow();
  days = 30; // a policy reload between runs
  await s.runNow();
  expect(runs).toEqual([
    { now: T0, days: 90, cutoff: T0 - 90 * DAY_MS },
    { now: T0, days: 30, cutoff: T0 - 30 * DAY_MS },
  ]);
  expect(await metricValue(registry, "airlock_retention_pruned_total", { kind: "chatTranscripts" })).toBe(8);
  unregister();
  expect(await s.runNow()).toEqual({ pruned: {}, failed: [] });
});

it("never overlaps: a run asked for while one is going joins it, and the next is scheduled only after it ends", async () => {
  const clock = new ManualClock(T0);
  const timer = new ManualTimer();
  const registry = new Registry();
  const s = new RetentionScheduler({ policy: () => shipped, log: captureLog().log, registry, intervalMs: 5 * 60_000, now: clock.now, timer: timer.timer });
  let calls = 0;
  let release: () => void = () => undefined;
  s.register("auditTrail", () => {
    calls++;
    return new Promise<number>((resolve) => (release = () => resolve(1)));
  });

  const first = s.start(); // the first run starts at once
  const joined = s.runNow();
  await s.start(); // starting twice changes nothing
  await Promise.resolve();
  expect(calls).toBe(1);
  expect(timer.live()).toBe(0); // nothing scheduled while the run is going
  release();
  expect(await joined).toEqual({ pruned: { auditTrail: 1 }, failed: [] });
  await first; // start() resolves once the first run has ended and the next is scheduled
  expect(timer.pending.map((p) => p.ms)).toEqual([5 * 60_000]);

  timer.fire(); // the interval passed: the second run
  await Promise.resolve();
  expect(calls).toBe(2);
  const stopping = s.stop(); // waits for the run going on, schedules nothing more
  release();
  await stopping;
  await new Promise((r) => setImmediate(r));
  expect(timer.live()).toBe(0);
  expect(await metricValue(registry, "airlock_retention_runs_total", { outcome: "ok" })).toBe(2);
});

it("a failing job is logged by kind and error type only, counted, and the other kinds still run", async () => {
  const clock = new ManualClock(T0);
  const registry = new Registry();
  const captured = captureLog();
  const s = new RetentionScheduler({ policy: () => shipped, log: captured.log, registry, intervalMs: HOUR_MS, now: clock.now });
  s.register("chatTranscripts", async () => {
    throw new TypeError("row content: secret chat text");
  });
  s.register("loginSessions", async () => 3);
  expect(await s.runNow()).toEqual({ pruned: { chatTranscripts: 0, loginSessions: 3 }, failed: ["chatTranscripts"] });
  expect(await metricValue(registry, "airlock_retention_job_failures_total", { kind: "chatTranscripts" })).toBe(1);
  expect(await metricValue(registry, "airlock_retention_runs_total", { outcome: "failed" })).toBe(1);
  expect(captured.text()).toContain('"msg":"retention job failed"');
  expect(captured.text()).toContain('"err":"TypeError"');
  expect(captured.text()).not.toContain("secret chat text");
});
