import type { Command } from "commander";
import { registerBenchCaptureCommand } from "./bench-capture-command.js";
import { registerBenchChatCommand } from "./bench-chat-command.js";
import { registerBenchFailoverCommand } from "./bench-failover-command.js";
import { registerBenchFidelityCommand } from "./bench-fidelity-command.js";
import { registerBenchRelayCommand } from "./bench-relay-command.js";
import { registerBenchVisitorsCommand } from "./bench-visitors-command.js";

/** `bench …`: loopback benchmarks, bounded in count and time; they report figures, never pass/fail on speed. */
export function registerBenchCommand(program: Command): void {
  const bench = program.command("bench").description("run a bounded loopback benchmark and print its figures");
  registerBenchChatCommand(bench);
  registerBenchCaptureCommand(bench);
  registerBenchRelayCommand(bench);
  registerBenchFidelityCommand(bench);
  registerBenchVisitorsCommand(bench);
  registerBenchFailoverCommand(bench);
}
