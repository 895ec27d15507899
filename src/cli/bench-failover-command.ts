import type { Command } from "commander";
import { runFailoverBench } from "../bench/failover.js";
import { emit, table } from "./output.js";

const count = (name: string, max: number) => (v: string) => {
  if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) throw new Error(`${name} takes a number from 1 to ${max}`);
  return Number(v);
};

/**
 * `bench failover`: time from the SIGKILL of the server process owning a co-browse session to
 * the agent seeing the visitor's page again, and chat messages lost or duplicated meanwhile.
 */
export function registerBenchFailoverCommand(bench: Command): void {
  bench
    .command("failover")
    .description("co-browse and chat across a server process's SIGKILL: three serve processes on loopback, PostgreSQL and Redis")
    .option("--postgres-url <url>", "an empty PostgreSQL database to use (default: AIRLOCK_BENCH_POSTGRES_URL)")
    .option("--redis-url <url>", "Redis to use (default: AIRLOCK_BENCH_REDIS_URL)")
    .option("--rounds <n>", "SIGKILLs to measure (each of another server process)", count("--rounds", 30), 3)
    .option("--chromium <path>", "Chromium executable", process.env.AIRLOCK_BENCH_CHROMIUM ?? "/usr/bin/chromium")
    .option("--screenshot <file>", "save the agent's viewer after the first failover (PNG)")
    .option("--json", "print JSON")
    .action(async (opts: { postgresUrl?: string; redisUrl?: string; rounds: number; chromium: string; screenshot?: string; json?: boolean }) => {
      const postgresUrl = opts.postgresUrl ?? process.env.AIRLOCK_BENCH_POSTGRES_URL;
      const redisUrl = opts.redisUrl ?? process.env.AIRLOCK_BENCH_REDIS_URL;
      if (!postgresUrl || !redisUrl) throw new Error("bench failover needs PostgreSQL and Redis: pass --postgres-url and --redis-url (or set AIRLOCK_BENCH_POSTGRES_URL and AIRLOCK_BENCH_REDIS_URL)");
      const result = await runFailoverBench({ postgresUrl, redisUrl, rounds: opts.rounds, chromium: opts.chromium, screenshot: opts.screenshot });
      emit(Boolean(opts.json), result, () =>
        table([
          ["round", "failover ms", "chat sent", "lost", "duplicated"],
          ...result.rounds.map((r, i) => [String(i + 1), String(r.failoverMs), String(r.chatSent), String(r.chatLost), String(r.chatDuplicated)]),
        ]),
      );
    });
}
