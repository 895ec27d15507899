import { Worker } from "node:worker_threads";
import WebSocket from "ws";
import type { BenchServerData } from "./bench-relay-server.js";
import type { RecordedSession } from "./bench-relay-frames.js";

// The client side of `bench relay`: visitor and agent sockets on loopback, driving the bench
// server (relay or bare forwarder) in its worker thread. Everything is bounded by frame counts
// and by a deadline.

export interface BenchServer {
  readonly port: number;
  stop(): Promise<void>;
}

export async function startBenchServer(data: BenchServerData): Promise<BenchServer> {
  const worker = new Worker(new URL("./bench-relay-server.js", import.meta.url), { workerData: data });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once("message", (m: { port: number }) => resolve(m.port));
    worker.once("error", reject);
  });
  return { port, stop: async () => void (await worker.terminate()) };
}

interface Pair {
  readonly visitor: WebSocket;
  readonly agent: WebSocket;
}

const SENTINEL = JSON.stringify({ kind: "viewport", viewport: { width: 1, height: 1 } });

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
  });
}

/** A visitor and an agent socket for session `n`, resolved once the server says the agent watches. */
export async function openPair(port: number, n: number): Promise<Pair> {
  const visitor = await open(`ws://127.0.0.1:${port}/visitor/${n}`);
  const ready = new Promise<void>((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(String(data)) as { kind?: string; watching?: boolean };
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

/** Sends a session's snapshot and resolves when its agent has the sanitized one. */
function deliverSnapshot(p: Pair, recording: RecordedSession): Promise<void> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      if (String(data).startsWith('{"kind":"snapshot"')) {
        p.agent.off("message", onMessage);
        resolve();
      }
    };
    p.agent.on("message", onMessage);
    p.visitor.send(JSON.stringify(recording.frames[0]));
  });
}

export function closePairs(pairs: readonly Pair[]): void {
  for (const p of pairs) {
    p.visitor.terminate();
    p.agent.terminate();
  }
}

const isSentinel = (text: string) => text.includes('"width":1,"height":1');

/**
 * Frames per second through the server on the recorded change stream: every session's snapshot
 * is delivered first (setup, not timed), then each session sends its recorded frames after the
 * snapshot `repeats` times back to back, then a sentinel; the clock stops when every agent has
 * the sentinel. Repeated operations meet the room's real checks (an id removed in the first pass
 * is unknown in the second and is refused with its error code, as a live relay would).
 */
export async function throughput(port: number, recordings: readonly RecordedSession[], repeats: number): Promise<{ msgsPerSecond: number; frames: number }> {
  const pairs = await Promise.all(recordings.map((_, i) => openPair(port, i)));
  await Promise.all(pairs.map((p, i) => deliverSnapshot(p, recordings[i] as RecordedSession)));
  const payloads = recordings.map((r) => r.frames.slice(1).map((f) => JSON.stringify(f)));
  const done = pairs.map(
    (p) =>
      new Promise<void>((resolve) => {
        p.agent.on("message", (data) => {
          if (isSentinel(String(data))) resolve();
        });
      }),
  );
  let frames = 0;
  const start = process.hrtime.bigint();
  pairs.forEach((p, i) => {
    for (let r = 0; r < repeats; r++) for (const f of payloads[i] ?? []) p.visitor.send(f);
    frames += repeats * (payloads[i]?.length ?? 0);
    p.visitor.send(SENTINEL);
  });
  await Promise.all(done);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  closePairs(pairs);
  return { msgsPerSecond: frames / seconds, frames };
}

/**
 * Visitor→agent latency with `count` concurrent sessions: after its snapshot each session sends
 * its recorded frames in order, one every `intervalMs` (starting at a random offset), starting
 * over after the snapshot when the recording ends. Latency is measured for mutation batches
 * (they carry a sequence number), from send to the agent's receipt.
 */
export async function latency(
  port: number,
  recordings: readonly RecordedSession[],
  count: number,
  seconds: number,
  intervalMs: number,
): Promise<{ p50: number; p99: number; samples: number; errors: number }> {
  const pairs: Pair[] = [];
  for (let i = 0; i < count; i += 50) {
    pairs.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => openPair(port, 100_000 + i + k)))));
  }
  const samples: number[] = [];
  let errors = 0;
  let measuring = false;
  const timers: NodeJS.Timeout[] = [];
  pairs.forEach((p, i) => {
    const recording = recordings[i % recordings.length] as RecordedSession;
    const sentAt = new Map<number, number>();
    let seq = 0;
    let next = 0;
    p.agent.on("message", (data) => {
      const m = JSON.parse(String(data)) as { kind?: string; seq?: number };
      if (m.seq === undefined || m.kind !== "mutations") return;
      const at = sentAt.get(m.seq);
      if (at === undefined) return;
      sentAt.delete(m.seq);
      if (measuring) samples.push(performance.now() - at);
    });
    p.visitor.on("message", (data) => {
      if (String(data).includes('"kind":"error"')) errors++;
    });
    const sendNext = () => {
      const frame = recording.frames[next] as Record<string, unknown>;
      next = next + 1 < recording.frames.length ? next + 1 : 1;
      if ("seq" in frame) {
        seq++;
        sentAt.set(seq, performance.now());
        p.visitor.send(JSON.stringify({ ...frame, seq }));
      } else p.visitor.send(JSON.stringify(frame));
    };
    sendNext(); // the snapshot
    const offset = Math.floor(Math.random() * intervalMs);
    timers.push(
      setTimeout(() => {
        sendNext();
        timers.push(setInterval(sendNext, intervalMs));
      }, offset),
    );
  });
  // Let every session's snapshot through, and the stream settle, before measuring.
  await new Promise((r) => setTimeout(r, Math.max(2000, intervalMs * 2)));
  measuring = true;
  await new Promise((r) => setTimeout(r, seconds * 1000));
  measuring = false;
  for (const t of timers) clearInterval(t);
  closePairs(pairs);
  samples.sort((a, b) => a - b);
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99), samples: samples.length, errors };
}
