import { execFile, spawn, spawnSync, type ChildProcessWithoutNullStreams } from "node:child_process";
import { fileURLToPath } from "node:url";
import { freeListenerEnv } from "./ports.js";

// CLI tests run the built CLI (`make test` builds first), exactly as operators do.
export const cliEntry = fileURLToPath(new URL("../../dist/cli/main.js", import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * The environment of `airlock ARGS`: only the given AIRLOCK_* variables (the caller's are not
 * inherited). `serve` also gets free ports for its listeners and dev IdP unless the test sets them,
 * so it never meets a running Airlock on the defaults.
 */
function cliEnv(args: readonly string[], env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? "", ...(args[0] === "serve" ? freeListenerEnv : {}), ...env };
}

/** Runs `airlock ARGS` to its end. */
export function runCli(args: readonly string[], env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [cliEntry, ...args], { env: cliEnv(args, env), encoding: "utf8", timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs `airlock ARGS` to its end without blocking, so several can run side by side. */
export function runCliAsync(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliEntry, ...args], { env: cliEnv(args, env), timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err && typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : err ? null : 0;
      resolve({ status: code, stdout, stderr });
    });
  });
}

/** Starts `airlock ARGS`; `nodeOptions` go to node before the CLI (e.g. `--import` of a test hook). */
export function spawnCli(args: readonly string[], env: Record<string, string> = {}, nodeOptions: readonly string[] = []): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [...nodeOptions, cliEntry, ...args], { env: cliEnv(args, env) });
}

/** Resolves with the first JSON log line whose msg matches, from a running process's stdout. */
export function waitForLog(child: ChildProcessWithoutNullStreams, msg: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let buffer = "";
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no "${msg}" log line within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      buffer += d.toString();
      for (const line of buffer.split("\n").slice(0, -1)) {
        try {
          const entry = JSON.parse(line) as Record<string, unknown>;
          if (entry.msg === msg) {
            clearTimeout(timer);
            resolve(entry);
          }
        } catch {
          // not a log line
        }
      }
      buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited with ${code} before "${msg}"; stderr: ${stderr}`));
    });
  });
}
