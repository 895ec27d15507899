import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { round } from "./round.js";

// Sanitizer speed against htmlparser2's tokenizer alone (the floor any HTML sanitizer built on
// it pays), on the real pages of the npm package htmlparser-benchmark, single thread. Each
// round measures every contender once, each in a fresh process after a warm-up pass (see
// bench-relay-sanitizer-worker.ts for why), in the same order; the figures are the medians over
// rounds, per CPU second (user + system, GC threads included), so other load on the machine
// moves them much less than wall-clock time would. Two references: sanitize-html emitting the
// allowlist's tags with their attributes as they are, and sanitize-html keeping nothing; no
// sanitizer built on sanitize-html is faster than the first by much, nor than the second at all.

/** Measured in this order in every round. */
export const SANITIZER_CONTENDERS = ["tokenize", "sanitizer", "sanitize-html-keep", "sanitize-html-discard"] as const;
export type SanitizerContender = (typeof SANITIZER_CONTENDERS)[number];

export interface SanitizerPassRequest {
  readonly contender: SanitizerContender;
  readonly pageLimit: number | null;
}

export interface SanitizerPass {
  readonly cpuSeconds: number;
  readonly bytes: number;
  readonly pages: number;
}

export interface SanitizerSpeed {
  readonly sanitizer_mb_s: number;
  readonly tokenize_only_mb_s: number;
  readonly sanitizer_vs_tokenize: number;
  readonly sanitize_html_keep_as_is_vs_tokenize: number;
  readonly sanitize_html_discard_all_vs_tokenize: number;
  readonly pages: number;
  readonly megabytes_per_round: number;
  readonly rounds: number;
}

const workerEntry = fileURLToPath(new URL("./relay-sanitizer-worker.js", import.meta.url));

function pass(request: SanitizerPassRequest): Promise<SanitizerPass> {
  return new Promise((resolve, reject) => {
    const child = fork(workerEntry, [], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
    let result: SanitizerPass | undefined;
    child.once("message", (m: SanitizerPass) => (result = m));
    child.once("error", reject);
    child.once("exit", (code) => (result ? resolve(result) : reject(new Error(`sanitizer pass (${request.contender}) exited with ${code}`))));
    child.send(request);
  });
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};

/** `pageLimit` takes the first pages in name order (all of them by default). */
export async function measureSanitizer(rounds: number, pageLimit?: number): Promise<SanitizerSpeed> {
  const speeds = new Map<SanitizerContender, number[]>(SANITIZER_CONTENDERS.map((c) => [c, []]));
  let last: SanitizerPass | undefined;
  for (let r = 0; r < rounds; r++) {
    for (const contender of SANITIZER_CONTENDERS) {
      last = await pass({ contender, pageLimit: pageLimit ?? null });
      speeds.get(contender)?.push(last.bytes / 1e6 / last.cpuSeconds);
    }
  }
  const mbS = (c: SanitizerContender) => median(speeds.get(c) ?? []);
  const tokenize = mbS("tokenize");
  return {
    sanitizer_mb_s: round(mbS("sanitizer")),
    tokenize_only_mb_s: round(tokenize),
    sanitizer_vs_tokenize: round(mbS("sanitizer") / tokenize, 3),
    sanitize_html_keep_as_is_vs_tokenize: round(mbS("sanitize-html-keep") / tokenize, 3),
    sanitize_html_discard_all_vs_tokenize: round(mbS("sanitize-html-discard") / tokenize, 3),
    pages: last?.pages ?? 0,
    megabytes_per_round: round((last?.bytes ?? 0) / 1e6),
    rounds,
  };
}
