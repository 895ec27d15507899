import type { Command } from "commander";
import { loadMasterKeys } from "../auth/master-keys.js";
import { runComplianceChecks, type CheckResult } from "../compliance/check.js";
import { loadPolicy, policySourceFor } from "../policy/load.js";
import { openStorage } from "../storage/db.js";
import { configOrExit } from "./load-config.js";
import { emit, ExitCode, table } from "./output.js";

const MARK = { pass: "ok", warn: "WARN", fail: "FAIL" } as const;

export function registerComplianceCommand(program: Command): void {
  const compliance = program.command("compliance").description("check the running configuration against the compliance pack (compliance/)");

  compliance
    .command("check")
    .description("report production mode, the agent network allowlist width, TLS to PostgreSQL and Redis, the audit chain, backup age and master key age; exit 1 when a check fails")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const json = Boolean(opts.json);
      const config = configOrExit(json);
      const policy = loadPolicy(policySourceFor(config)).policy;
      const storage = openStorage(config.databaseUrl, { poolSize: 1 });
      let checks: CheckResult[];
      try {
        checks = await runComplianceChecks({ config, agentAllowlist: policy.network.agentAllowlist.cidrs, db: storage.db, currentKeyId: loadMasterKeys(config).current.id, now: Date.now() });
      } finally {
        await storage.close();
      }
      const ok = checks.every((c) => c.status !== "fail");
      emit(json, { ok, checks }, () => table(checks.map((c) => [MARK[c.status], c.title, c.detail])) + `\n${ok ? "no check failed" : `${checks.filter((c) => c.status === "fail").length} checks failed`}`);
      if (!ok) process.exitCode = ExitCode.failure;
    });
}
