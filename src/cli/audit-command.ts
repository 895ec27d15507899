import type { Command } from "commander";
import { exportAudit, verifyAudit } from "../audit/trail.js";
import { withStorage } from "./load-config.js";
import { ExitCode, emit } from "./output.js";

export function registerAuditCommand(program: Command): void {
  const audit = program.command("audit").description("verify and export the hash-chained audit trail");

  audit
    .command("verify")
    .description("check every link of the audit chain; exit 1 naming the first broken entry (sequence number and why)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const json = Boolean(opts.json);
      const result = await withStorage(json, (s) => verifyAudit(s.db));
      emit(json, result, () =>
        result.ok
          ? `audit trail intact: ${result.entries} entries verified, head #${result.headSeq} ${result.headHash}`
          : `audit trail BROKEN at entry ${result.brokenAt}: ${result.reason}\n(${result.entries} entries verified before it)`,
      );
      if (!result.ok) process.exitCode = ExitCode.failure;
    });

  audit
    .command("export")
    .description("write every audit entry in order as JSON lines (for a SIEM); --after SEQ continues a previous export")
    .option("--after <seq>", "only entries after this sequence number", (v) => {
      if (!/^\d+$/.test(v)) throw new Error("--after takes a sequence number");
      return Number(v);
    })
    .option("--json", "JSON lines (the default output; accepted for symmetry with other commands)")
    .action(async (opts: { after?: number; json?: boolean }) => {
      await withStorage(Boolean(opts.json), async (s) => {
        for await (const r of exportAudit(s.db, { afterSeq: opts.after ?? 0 })) {
          const line = JSON.stringify({ ...r, time: new Date(r.at).toISOString() }) + "\n";
          if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once("drain", resolve));
        }
      });
    });
}
