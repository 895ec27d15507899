#!/usr/bin/env node
import { Command, CommanderError } from "commander";
import { registerAuditCommand } from "./audit-command.js";
import { registerBackupCommand } from "./backup-command.js";
import { registerBenchCommand } from "./bench-command.js";
import { registerComplianceCommand } from "./compliance-command.js";
import { registerConfigCommand } from "./config-command.js";
import { registerGdprCommand } from "./gdpr-command.js";
import { registerKeysCommand } from "./keys-command.js";
import { registerMigrateCommand } from "./migrate-command.js";
import { ExitCode } from "./output.js";
import { registerPolicyCommand } from "./policy-command.js";
import { registerSanitizeCommand } from "./sanitize-command.js";
import { registerScimCommand } from "./scim-command.js";
import { registerServeCommand } from "./serve-command.js";
import { airlockVersion } from "./version.js";

export function buildProgram(): Command {
  const program = new Command("airlock")
    .description("Airlock: self-hosted co-browsing and live chat.\nSettings come from AIRLOCK_* environment variables and the YAML file named by AIRLOCK_CONFIG.")
    .addHelpText("after", "\nExit codes: 0 success, 1 failure, 2 invalid configuration or usage.")
    .version(airlockVersion(), "-V, --version", "print Airlock's version")
    .showHelpAfterError()
    .exitOverride();
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerConfigCommand(program);
  registerSanitizeCommand(program);
  registerPolicyCommand(program);
  registerAuditCommand(program);
  registerKeysCommand(program);
  registerGdprCommand(program);
  registerScimCommand(program);
  registerBackupCommand(program);
  registerComplianceCommand(program);
  registerBenchCommand(program);
  return program;
}

try {
  await buildProgram().parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode === 0 ? ExitCode.ok : ExitCode.invalidConfig);
  }
  process.stderr.write(`airlock: ${(err as Error).message}\n`);
  process.exit(ExitCode.failure);
}
