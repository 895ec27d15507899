import { Writable } from "node:stream";
import { createLogger, type Logger } from "../../src/ops/log.js";

/** A logger at trace level whose JSON lines are kept in memory, for tests that read what was logged. */
export interface LogSink {
  readonly log: Logger;
  readonly text: () => string;
}

export function captureLog(): LogSink {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString("utf8"));
      done();
    },
  });
  return { log: createLogger("trace", sink), text: () => lines.join("") };
}
