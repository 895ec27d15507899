import type { Registry } from "prom-client";
import type { Logger } from "../ops/log.js";
import type { RetentionPolicy } from "../policy/schema/index.js";
import { DAY_MS, RETENTION_KINDS, type RetentionJob, type RetentionKind } from "./job.js";
import { RetentionMetrics } from "./metrics.js";

/** Schedules `run` after `ms`; returns a function that cancels it. */
export type Timer = (run: () => void, ms: number) => () => void;

const realTimer: Timer = (run, ms) => {
  const handle = setTimeout(run, ms);
  handle.unref(); // a pending retention run never keeps the process alive
  return () => clearTimeout(handle);
};

export interface RetentionOptions {
  /** The current retention.yaml (read at every run, so a policy reload applies to the next run). */
  readonly policy: () => RetentionPolicy;
  readonly log: Logger;
  readonly registry: Registry;
  /** Pause between the end of one run and the start of the next. */
  readonly intervalMs: number;
  readonly now?: () => number;
  readonly timer?: Timer;
}

export interface RetentionOutcome {
  /** Items removed per kind that has jobs. */
  readonly pruned: Readonly<Partial<Record<RetentionKind, number>>>;
  /** Kinds with a job that threw (the other jobs still ran). */
  readonly failed: readonly RetentionKind[];
}

/**
 * Applies policies/retention.yaml: runs every registered job at start and then `intervalMs` after
 * the previous run ended, so runs never overlap (a run asked for while one is going joins it).
 * Jobs run one after another; one that throws is logged and counted, and the rest still run.
 */
export class RetentionScheduler {
  readonly #jobs = new Map<RetentionKind, Set<RetentionJob>>();
  readonly #options: RetentionOptions;
  readonly #metrics: RetentionMetrics;
  readonly #now: () => number;
  readonly #timer: Timer;
  #running: Promise<RetentionOutcome> | undefined;
  #cancelNext: (() => void) | undefined;
  #started = false;
  #stopped = false;

  constructor(options: RetentionOptions) {
    this.#options = options;
    this.#metrics = new RetentionMetrics(options.registry);
    this.#now = options.now ?? Date.now;
    this.#timer = options.timer ?? realTimer;
  }

  /**
   * Adds a job for one kind of data; returns a function that removes it. Register before the
   * server starts listening to be part of the first run.
   */
  register(kind: RetentionKind, job: RetentionJob): () => void {
    let jobs = this.#jobs.get(kind);
    if (!jobs) this.#jobs.set(kind, (jobs = new Set()));
    jobs.add(job);
    return () => void jobs.delete(job);
  }

  /** Runs every job now, or joins the run already going. */
  runNow(): Promise<RetentionOutcome> {
    this.#running ??= this.#runJobs().finally(() => {
      this.#running = undefined;
    });
    return this.#running;
  }

  /**
   * First run now, then one every interval until stop(). Resolves when the first run has ended,
   * so whoever starts the server knows retention has been applied once.
   */
  start(): Promise<void> {
    if (this.#started || this.#stopped) return Promise.resolve();
    this.#started = true;
    return this.#tick();
  }

  /** Cancels the next run and waits for the current one to finish. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#cancelNext?.();
    this.#cancelNext = undefined;
    await this.#running?.catch(() => undefined);
  }

  #tick(): Promise<void> {
    return this.runNow()
      .then(
        () => undefined,
        () => undefined, // #runJobs reports its own failures
      )
      .finally(() => {
        if (!this.#stopped) this.#cancelNext = this.#timer(() => void this.#tick(), this.#options.intervalMs);
      });
  }

  async #runJobs(): Promise<RetentionOutcome> {
    const started = this.#now();
    const policy = this.#options.policy();
    const pruned: Partial<Record<RetentionKind, number>> = {};
    const failed: RetentionKind[] = [];
    for (const kind of RETENTION_KINDS) {
      const jobs = this.#jobs.get(kind);
      if (!jobs || jobs.size === 0) continue;
      const days = policy[kind].days;
      const run = { now: started, days, cutoff: started - days * DAY_MS };
      let removed = 0;
      for (const job of [...jobs]) {
        try {
          removed += await job(run);
        } catch (err) {
          if (!failed.includes(kind)) failed.push(kind);
          this.#metrics.jobFailures.inc({ kind });
          // The error's type only: messages from drivers can echo row data.
          this.#options.log.error({ kind, err: err instanceof Error ? err.name : typeof err }, "retention job failed");
        }
      }
      pruned[kind] = removed;
      this.#metrics.pruned.inc({ kind }, removed);
    }
    this.#metrics.runs.inc({ outcome: failed.length > 0 ? "failed" : "ok" });
    this.#metrics.lastRun.set(this.#now() / 1000);
    this.#options.log.info({ pruned, failed, durationMs: this.#now() - started }, "retention applied");
    return { pruned, failed };
  }
}
