import type { Command } from "commander";
import { runChatBenches } from "../bench/chat.js";
import { emit, table } from "./output.js";

const count = (name: string, max: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new Error(`${name} takes a number from 1 to ${max}`);
  return Number(v);
};

/**
 * `bench chat`: messages per second stored (encrypted, committed) and delivered, with delivery
 * latency percentiles, on a throw-away SQLite file and — given a PostgreSQL URL — on PostgreSQL.
 */
export function registerBenchChatCommand(bench: Command): void {
  bench
    .command("chat")
    .description("chat throughput and delivery latency on SQLite and PostgreSQL (loopback, bounded)")
    .option("--postgres-url <url>", "an empty PostgreSQL database to use (default: AIRLOCK_BENCH_POSTGRES_URL); skipped when absent")
    .option("--messages <n>", "messages to send per dialect", count("--messages", 200_000), 10_000)
    .option("--conversations <n>", "conversations to spread them over", count("--conversations", 10_000), 100)
    .option("--concurrency <n>", "messages in flight", count("--concurrency", 256), 16)
    .option("--max-seconds <n>", "stop each run after this long", count("--max-seconds", 600), 30)
    .option("--max-batch <n>", "most messages per transaction (1: one transaction per message, for comparison)", count("--max-batch", 1_000))
    .option("--json", "print JSON")
    .action(async (opts: { postgresUrl?: string; messages: number; conversations: number; concurrency: number; maxSeconds: number; maxBatch?: number; json?: boolean }) => {
      const run = { messages: opts.messages, conversations: opts.conversations, concurrency: opts.concurrency, maxSeconds: opts.maxSeconds, ...(opts.maxBatch ? { maxBatch: opts.maxBatch } : {}) };
      const postgres = opts.postgresUrl ?? process.env.AIRLOCK_BENCH_POSTGRES_URL;
      const result = await runChatBenches(run, postgres);
      emit(Boolean(opts.json), result, () =>
        table([
          ["dialect", "messages", "msgs/s", "p50 ms", "p99 ms", "raw inserts/s", "msgs/s ÷ raw"],
          ...result.runs.map((r) => [r.dialect, String(r.messages), String(r.msgsPerSecond), String(r.p50Ms), String(r.p99Ms), String(r.rawInsertTxnsPerSecond), String(r.vsRawInserts)]),
        ]) + (result.postgres_msgs_s !== null ? "" : "\n(PostgreSQL skipped: pass --postgres-url or set AIRLOCK_BENCH_POSTGRES_URL)"),
      );
    });
}
