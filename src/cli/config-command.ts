import type { Command } from "commander";
import { maskedConfig } from "../config/mask.js";
import { envName } from "../config/schema.js";
import { configOrExit } from "./load-config.js";
import { emit, table } from "./output.js";

export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description("inspect Airlock's configuration");
  config
    .command("check")
    .description("validate the configuration and print the effective values (secrets masked); exit 2 when invalid")
    .option("--json", "print JSON")
    .action((opts: { json?: boolean }) => {
      const c = configOrExit(Boolean(opts.json));
      const masked = maskedConfig(c);
      emit(Boolean(opts.json), { ok: true, config: masked }, () =>
        "configuration is valid\n\n" +
        table([["setting", "environment", "value"], ...Object.entries(masked).map(([k, v]) => [k, envName(k), JSON.stringify(v)])]),
      );
    });
}
