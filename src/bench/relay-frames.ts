import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { z } from "zod";

// The recorded frames `bench relay` replays (bench/fixtures/relay-frames.json, made by
// bench/relay/record-frames.ts from the real visitor script in Chromium).

export const fixturePath = fileURLToPath(new URL("../../bench/fixtures/relay-frames.json", import.meta.url));

const fixtureSchema = z.object({
  origin: z.string(),
  sessions: z.array(z.object({ source: z.string(), frames: z.array(z.string()).min(1) })).min(1),
});

export interface RecordedSession {
  readonly source: string;
  /** Parsed frames, the first one a snapshot. */
  readonly frames: readonly Record<string, unknown>[];
}

export interface Fixture {
  readonly origin: string;
  readonly sessions: readonly RecordedSession[];
}

export function loadFixture(file = fixturePath): Fixture {
  const raw = fixtureSchema.parse(JSON.parse(readFileSync(file, "utf8")));
  const sessions = raw.sessions.map((s) => {
    const frames = s.frames.map((f) => JSON.parse(f) as Record<string, unknown>);
    const first = frames.findIndex((f) => f.kind === "snapshot");
    if (first < 0) throw new Error(`recorded session ${s.source} has no snapshot`);
    return { source: s.source, frames: frames.slice(first) };
  });
  return { origin: raw.origin, sessions };
}

/** Total UTF-8 bytes of a session's frames as sent. */
export function sessionBytes(s: RecordedSession): number {
  return s.frames.reduce((n, f) => n + Buffer.byteLength(JSON.stringify(f)), 0);
}
