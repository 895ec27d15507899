import type { RetentionPolicy } from "../policy/schema/index.js";

/** Each kind of stored data with a retention period in policies/retention.yaml. */
export type RetentionKind = Exclude<keyof RetentionPolicy, "version">;

export const RETENTION_KINDS: readonly RetentionKind[] = ["chatTranscripts", "auditTrail", "loginSessions", "webhookDeliveries"];

/** What one run tells a job: the clock reading and the period that apply to its kind. */
export interface RetentionRun {
  readonly now: number;
  /** retention.yaml's days for the job's kind, read at the start of this run (reloads apply). */
  readonly days: number;
  /** `now` minus `days`: data older than this (epoch ms) goes. */
  readonly cutoff: number;
}

/** Deletes what is past its period and returns how many items (rows, conversations) it removed. */
export type RetentionJob = (run: RetentionRun) => Promise<number>;

export const DAY_MS = 86_400_000;
