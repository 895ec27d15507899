import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { frameText } from "../http/ws/frame-text.js";
import type { BenchServerData } from "./relay-server.js";
import type { RecordedSession } from "./relay-frames.js";

// The client side of `bench relay`: visitor and agent sockets on loopback, driving the bench
// server (relay or bare forwarder) in its own process. Everything is bounded by frame counts
// and by deadlines.

export interface BenchServer {
  readonly port: number;
  /** CPU seconds (user + system) the server process has used so far. */
  cpuSeconds(): Promise<number>;
  stop(): Promise<void>;
}

const serverEntry = fileURLToPath(new URL("./relay-server.js", import.meta.url));

export async function startBenchServer(data: BenchServerData): Promise<BenchServer> {
  const child = fork(serverEntry, [JSON.stringify(data)], { stdio: ["ignore", "ignore", "inherit", "ipc"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (m: { port: number }) => resolve(m.port));
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code} before listening`)));
  });
  return {
    port,
    cpuSeconds: () =>
      new Promise((resolve) => {
        const onMessage = (m: { cpuMicros?: number }) => {
          if (m.cpuMicros === undefined) return;
          child.off("message", onMessage);
          resolve(m.cpuMicros / 1e6);
        };
        child.on("message", onMessage);
        child.send("cpu");
      }),
    stop: async () => {
      child.kill();
      await exited;
    },
  };
}

interface Pair {
  readonly visitor: WebSocket;
  readonly agent: WebSocket;
}

const SENTINEL = JSON.stringify({ kind: "viewport", viewport: { width: 1, height: 1 } });
const isSentinel = (text: string) => text.includes('"width":1,"height":1');

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** A visitor and an agent socket for session `n`, resolved once the server says the agent watches. */
async function openPair(port: number, n: number): Promise<Pair> {
  const visitor = await open(`ws://127.0.0.1:${port}/visitor/${n}`);
  const ready = new Promise<void>((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(frameText(data)) as { kind?: string; watching?: boolean };
      if (m.kind === "state" && m.watching) {
        visitor.off("message", onMessage);
        resolve();
      }
    };
    visitor.on("message", onMessage);
  });
  const agent = await open(`ws://127.0.0.1:${port}/agent/${n}`);
  await ready;
  return { visitor, agent };
}

/** `count` sessions numbered from `first`, opened 50 at a time (as a ramp, not a thundering herd). */
async function openPairs(port: number, count: number, first: number): Promise<Pair[]> {
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i += 50) {
    pairs.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => openPair(port, first + i + k)))));
  }
  return pairs;
}

/** Sends a snapshot and resolves when the agent has the server's version of it. */
function deliverSnapshot(p: Pair, snapshot: string): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      if (frameText(data).startsWith('{"kind":"snapshot"')) {
        p.agent.off("message", onMessage);
        resolve();
      }
    };
    p.agent.on("message", onMessage);
    p.visitor.send(snapshot);
  });
}

/** Snapshots go 50 sessions at a time: the setup is not what is measured. */
async function deliverSnapshots(pairs: readonly Pair[], snapshotOf: (i: number) => string): Promise<void> {
  for (let i = 0; i < pairs.length; i += 50) {
    await Promise.all(pairs.slice(i, i + 50).map((p, k) => deliverSnapshot(p, snapshotOf(i + k))));
  }
}

function closePairs(pairs: readonly Pair[]): void {
  for (const p of pairs) {
    p.visitor.terminate();
    p.agent.terminate();
  }
}

function countErrors(pairs: readonly Pair[]): () => number {
  let errors = 0;
  for (const p of pairs) p.visitor.on("message", (data) => void (frameText(data).startsWith('{"kind":"error"') && errors++));
  return () => errors;
}

function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)));
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export interface ThroughputRun {
  /** Frames per CPU second of the server process: what the server's work costs, whatever else runs on the machine. */
  readonly msgsPerCpuSecond: number;
  /** Frames per second of wall-clock time, from the first send to the last agent's receipt. */
  readonly msgsPerSecond: number;
  readonly frames: number;
  /** Error frames the server answered during the timed part (0 for a valid stream). */
  readonly errors: number;
}

/** Session numbers of the untimed warm-up pass: apart from the measured pass's 0, 1, 2… */
const WARM_UP_FIRST_SESSION = 1_000_000;

/**
 * Frames per second through the server on the recorded change streams, at steady state: one
 * untimed pass of the same streams first (other sessions), so what is measured is a server
 * that has been running, not V8 compiling it. Each repetition of each recording is its own
 * session, so every repetition is a valid stream (ids it removes exist, ids it adds are new).
 * Setup is not timed: all sessions are opened and their snapshots delivered first. Then every
 * session sends its recorded frames after the snapshot back to back, then a sentinel; the clocks
 * (wall and the server's CPU time) stop when every agent has its sentinel.
 */
export async function throughput(server: BenchServer, recordings: readonly RecordedSession[], repeats: number, deadlineMs: number): Promise<ThroughputRun> {
  await pass(server, recordings, repeats, deadlineMs, WARM_UP_FIRST_SESSION);
  return pass(server, recordings, repeats, deadlineMs, 0);
}

async function pass(server: BenchServer, recordings: readonly RecordedSession[], repeats: number, deadlineMs: number, firstSession: number): Promise<ThroughputRun> {
  const sessions = Array.from({ length: recordings.length * repeats }, (_, i) => recordings[i % recordings.length] as RecordedSession);
  const pairs = await openPairs(server.port, sessions.length, firstSession);
  await deliverSnapshots(pairs, (i) => JSON.stringify(sessions[i]?.frames[0]));
  const payloads = sessions.map((r) => r.frames.slice(1).map((f) => JSON.stringify(f)));
  const errors = countErrors(pairs);
  const done = pairs.map(
    (p) =>
      new Promise<void>((resolve) => {
        p.agent.on("message", (data) => {
          if (isSentinel(frameText(data))) resolve();
        });
      }),
  );
  let frames = 0;
  const cpuBefore = await server.cpuSeconds();
  const start = process.hrtime.bigint();
  pairs.forEach((p, i) => {
    for (const f of payloads[i] ?? []) p.visitor.send(f);
    frames += payloads[i]?.length ?? 0;
    p.visitor.send(SENTINEL);
  });
  try {
    await withDeadline(Promise.all(done), deadlineMs, "the throughput run");
  } finally {
    closePairs(pairs);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = (await server.cpuSeconds()) - cpuBefore;
  return { msgsPerCpuSecond: frames / cpu, msgsPerSecond: frames / seconds, frames, errors: errors() };
}

export interface LatencyRun {
  readonly sessions: number;
  readonly p50: number;
  readonly p99: number;
  readonly samples: number;
  /** Mutation batches sent in the measuring window that no agent had received when it ended (+1 s). */
  readonly unanswered: number;
  readonly errors: number;
}

const MUTATIONS_PREFIX = '{"kind":"mutations","seq":';

/**
 * Visitor→agent latency of mutation batches with `count` concurrent sessions. Setup first:
 * every session is opened and its snapshot delivered. Then each session plays its recording
 * from a random offset, one frame every `intervalMs`; at the end of the recording it sends its
 * snapshot again (the visitor reloaded the page) so the stream stays valid. After one interval
 * of warm-up, every mutation batch sent during the next `seconds` is a sample: from send to
 * its agent's receipt (both clocks in this process).
 */
export async function latency(port: number, recordings: readonly RecordedSession[], count: number, seconds: number, intervalMs: number): Promise<LatencyRun> {
  const pairs = await openPairs(port, count, 1_000_000);
  const recordingOf = (i: number) => recordings[i % recordings.length] as RecordedSession;
  await deliverSnapshots(pairs, (i) => JSON.stringify(recordingOf(i).frames[0]));
  const errors = countErrors(pairs);
  const samples: number[] = [];
  const pending = new Set<string>();
  // The measuring window, set once every session has started; nothing is measured before.
  const measured = { from: Number.POSITIVE_INFINITY, to: Number.POSITIVE_INFINITY };
  const timers: NodeJS.Timeout[] = [];
  pairs.forEach((p, i) => {
    const frames = recordingOf(i).frames;
    const sentAt = new Map<number, number>();
    let seq = 1;
    let next = 1;
    p.agent.on("message", (data) => {
      const text = frameText(data);
      if (!text.startsWith(MUTATIONS_PREFIX)) return;
      const got = Number.parseInt(text.slice(MUTATIONS_PREFIX.length, MUTATIONS_PREFIX.length + 12), 10);
      const at = sentAt.get(got);
      if (at === undefined) return;
      sentAt.delete(got);
      if (pending.delete(`${i}:${got}`)) samples.push(performance.now() - at);
    });
    const sendNext = () => {
      const frame = frames[next] as Record<string, unknown>;
      next = next + 1 < frames.length ? next + 1 : 0;
      if (!("seq" in frame)) return p.visitor.send(JSON.stringify(frame));
      seq++;
      const now = performance.now();
      if (frame.kind === "mutations") {
        sentAt.set(seq, now);
        if (now >= measured.from && now < measured.to) pending.add(`${i}:${seq}`);
      }
      p.visitor.send(JSON.stringify({ ...frame, seq }));
    };
    const offset = Math.floor(Math.random() * intervalMs);
    timers.push(
      setTimeout(() => {
        sendNext();
        timers.push(setInterval(sendNext, intervalMs));
      }, offset),
    );
  });
  const from = performance.now() + intervalMs; // warm-up: every session has started
  measured.from = from;
  measured.to = from + seconds * 1000;
  await sleep(intervalMs + seconds * 1000);
  for (const t of timers) clearInterval(t);
  // Batches sent at the very end of the window get a moment to arrive.
  const grace = performance.now() + 1000;
  while (pending.size > 0 && performance.now() < grace) await sleep(20);
  closePairs(pairs);
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { sessions: count, p50: at(0.5), p99: at(0.99), samples: samples.length, unanswered: pending.size, errors: errors() };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
