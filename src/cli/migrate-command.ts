import type { Command } from "commander";
import { migrateUp, migrationStatus } from "../storage/migrate.js";
import { withStorage } from "./load-config.js";
import { ExitCode, emit, table } from "./output.js";

export function registerMigrateCommand(program: Command): void {
  const migrate = program.command("migrate").description("manage the database schema");
  migrate
    .command("up")
    .description("apply every pending migration (each in its own transaction)")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const json = Boolean(opts.json);
      await withStorage(json, async (storage) => {
        const outcome = await migrateUp(storage);
        emit(json, { dialect: storage.dialect, ...outcome }, () =>
          outcome.ok
            ? outcome.applied.length === 0
              ? `${storage.dialect}: schema is up to date`
              : `${storage.dialect}: applied ${outcome.applied.join(", ")}`
            : `${storage.dialect}: migration ${outcome.failed ?? "?"} failed: ${outcome.error}` +
              (outcome.applied.length ? `\n(applied before the failure: ${outcome.applied.join(", ")})` : ""),
        );
        if (!outcome.ok) process.exitCode = ExitCode.failure;
      });
    });
  migrate
    .command("status")
    .description("list migrations and whether each has been applied")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const json = Boolean(opts.json);
      await withStorage(json, async (storage) => {
        const status = await migrationStatus(storage);
        const pending = status.filter((m) => m.executedAt === null).length;
        emit(json, { dialect: storage.dialect, pending, migrations: status }, () =>
          table([["migration", "applied at"], ...status.map((m) => [m.name, m.executedAt ?? "pending"])]) +
          `\n\n${storage.dialect}: ${pending === 0 ? "up to date" : `${pending} pending`}`,
        );
      });
    });
}
