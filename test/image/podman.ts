// Podman for the image tests: set up (installed with apt when missing), a probe whether this
// machine can run containers at all, the image build, and cleanup by name.
import { execFileSync, spawnSync } from "node:child_process";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "../..");
const script = (name: string) => path.join(repoRoot, "scripts/image", name);

let env: NodeJS.ProcessEnv | undefined;

/** Environment for podman commands (CONTAINERS_CONF from scripts/image/podman-setup.sh). */
export function podmanEnv(): NodeJS.ProcessEnv {
  env ??= { ...process.env, CONTAINERS_CONF: execFileSync(script("podman-setup.sh"), { encoding: "utf8", timeout: 600_000 }).trim() };
  return env;
}

export interface Run {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function podman(args: readonly string[], timeoutMs = 60_000): Run {
  const r = spawnSync("podman", args, { encoding: "utf8", timeout: timeoutMs, env: podmanEnv() });
  return { status: r.status ?? 1, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

export function podmanOk(args: readonly string[], timeoutMs = 60_000): string {
  const r = podman(args, timeoutMs);
  if (r.status !== 0) throw new Error(`podman ${args.join(" ")} failed (${r.status}): ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * Why containers cannot run here, or undefined when they can: installs podman if needed,
 * assembles the offline stand-in runtime base and runs `node --version` in it.
 */
export function containersUnavailable(): string | undefined {
  try {
    podmanEnv();
    const bases = execFileSync(script("standin-bases.sh"), { encoding: "utf8", timeout: 300_000, env: podmanEnv() });
    const runtime = /RUNTIME_IMAGE=(\S+)/.exec(bases)?.[1];
    if (!runtime) return "stand-in base images were not built";
    const probe = podman(["run", "--rm", "--network=none", runtime, "--version"], 60_000);
    return probe.status === 0 ? undefined : `podman cannot run a container: ${probe.stderr.trim().split("\n").pop() ?? ""}`;
  } catch (err) {
    return `podman is not usable: ${(err as Error).message.split("\n")[0]}`;
  }
}

/** Builds the repository's Containerfile (offline bases) under the given tag; the image SBOM goes to sbomFile. */
export function buildImage(tag: string, sbomFile: string): void {
  execFileSync(script("build.sh"), { encoding: "utf8", timeout: 600_000, env: { ...podmanEnv(), IMAGE: tag, SBOM: sbomFile }, stdio: ["ignore", "pipe", "pipe"] });
}

/** Polls url until it answers (any status) or the attempts run out; returns the last response. */
export async function waitForHttp(url: string, attempts = 150): Promise<Response> {
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return await fetch(url, { signal: AbortSignal.timeout(2_000) });
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`${url} did not answer: ${String(last)}`);
}
