import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { requireServices } from "./services.js";

// A real clamd (Debian's clamav-daemon, which scripts/test.sh installs) for the attachment tests:
// started on a unix socket in a temp dir with a signature database the test writes, so the EICAR
// test file and Airlock's own test signature are detected without downloading anything. Stopped
// by its PID.

export const CLAMD_BINARY = ["/usr/sbin/clamd", "/usr/bin/clamd"].find((p) => existsSync(p));

/** The EICAR anti-virus test file (harmless by design; every scanner reports it). */
export const EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
/** Airlock's own test signature: any file containing these bytes is "infected" for this clamd. */
export const CUSTOM_MALWARE_MARKER = "AIRLOCK-TEST-MALWARE-7f3a9c";
export const EICAR_SIGNATURE = "Airlock.Test.EICAR";
export const CUSTOM_SIGNATURE = "Airlock.Test.Custom";

export interface TestClamd {
  /** The address in Airlock's config form (`unix:/…/clamd.sock`). */
  readonly address: string;
  readonly socketPath: string;
  stop(): Promise<void>;
}

const hex = (text: string) => Buffer.from(text, "latin1").toString("hex");

/** Whether a suite can run: clamd is installed (make test installs it; a missing one fails there). */
export function clamdAvailable(): boolean {
  if (!CLAMD_BINARY && requireServices) throw new Error("clamd is not installed: run the suite with \"make test\" (it installs clamav-daemon)");
  return CLAMD_BINARY !== undefined;
}

export async function startClamd(): Promise<TestClamd> {
  if (!CLAMD_BINARY) throw new Error("clamd is not installed");
  const dir = mkdtempSync(path.join(process.env.AIRLOCK_TEST_TMP ?? tmpdir(), "clamd-"));
  mkdirSync(path.join(dir, "db"));
  // ndb body signatures: name:target(0 = any file):offset(* = anywhere):hex bytes.
  writeFileSync(path.join(dir, "db", "airlock-test.ndb"), `${EICAR_SIGNATURE}:0:*:${hex(EICAR)}\n${CUSTOM_SIGNATURE}:0:*:${hex(CUSTOM_MALWARE_MARKER)}\n`);
  const socketPath = path.join(dir, "clamd.sock");
  writeFileSync(
    path.join(dir, "clamd.conf"),
    [`LocalSocket ${socketPath}`, `DatabaseDirectory ${path.join(dir, "db")}`, "Foreground yes", `LogFile ${path.join(dir, "clamd.log")}`, "StreamMaxLength 25M", "MaxThreads 2", "SelfCheck 3600", ""].join("\n"),
  );
  const child: ChildProcess = spawn(CLAMD_BINARY, ["-c", path.join(dir, "clamd.conf")], { stdio: "ignore" });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null) child.kill("SIGTERM");
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 200 && !existsSync(socketPath); i++) {
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  if (!existsSync(socketPath)) {
    await stop();
    throw new Error("clamd did not open its socket");
  }
  return { address: `unix:${socketPath}`, socketPath, stop };
}
