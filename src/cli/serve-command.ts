import type { Command } from "commander";
import { startServer } from "../http/server.js";
import { configOrExit } from "./load-config.js";
import { ExitCode } from "./output.js";

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("start the Airlock server (HTTP, WebSocket and metrics listeners) until SIGTERM/SIGINT")
    .action(async () => {
      const config = configOrExit();
      let running;
      try {
        running = await startServer(config);
      } catch (err) {
        process.stderr.write(`airlock: cannot start: ${(err as Error).message}\n`);
        process.exit(ExitCode.failure);
      }
      const stop = (signal: string) => {
        running
          .shutdown(signal)
          .then(() => process.exit(ExitCode.ok))
          .catch(() => process.exit(ExitCode.failure));
      };
      process.once("SIGTERM", () => stop("SIGTERM"));
      process.once("SIGINT", () => stop("SIGINT"));
    });
}
