import path from "node:path";
import type { Command } from "commander";
import { ROLES, isAction, isVisitorAction } from "../policy/actions.js";
import { agentPolicyContext } from "../policy/agent-context.js";
import { explainContextSchema, type ExplainContextInput } from "../policy/context-schema.js";
import type { PolicyContext } from "../policy/decision.js";
import { PolicyEngine } from "../policy/engine.js";
import { PolicyError } from "../policy/errors.js";
import { policySourceFor, shippedPolicyDir, type PolicySource } from "../policy/load.js";
import { configOrExit } from "./load-config.js";
import { ExitCode, emit, table } from "./output.js";

function loadOrExit(source: PolicySource, json: boolean): PolicyEngine {
  try {
    return PolicyEngine.load(source);
  } catch (err) {
    if (!(err instanceof PolicyError)) throw err;
    if (json) process.stdout.write(JSON.stringify({ ok: false, issues: err.issues }, null, 2) + "\n");
    else process.stderr.write(`airlock: ${err.message}\n`);
    process.exit(ExitCode.invalidConfig);
  }
}

export function registerPolicyCommand(program: Command): void {
  const policy = program.command("policy").description("check and explain the access policy (policies/ and policyDir)");

  policy
    .command("check [dir]")
    .description("validate the policy files (DIR overrides the shipped policies/ file by file, like policyDir); exit 2 with file, line and field for each problem")
    .option("--json", "print JSON")
    .action((dir: string | undefined, opts: { json?: boolean }) => {
      const json = Boolean(opts.json);
      const config = configOrExit(json);
      const source = dir ? { shippedDir: shippedPolicyDir, overrideDir: path.resolve(dir), mode: config.mode } : policySourceFor(config);
      const engine = loadOrExit(source, json);
      emit(json, { ok: true, hash: engine.hash, mode: config.mode, files: engine.files }, () =>
        `policy is valid (${config.mode} mode), sha256 ${engine.hash}\n\n` + table([["part", "file"], ...Object.entries(engine.files)]),
      );
    });

  policy
    .command("explain")
    .description("show the decision for an action, the rule that made it and every step before it; exit 0 when allowed, 1 when denied")
    .option("--role <roles>", `agent role(s), comma-separated (${ROLES.join(", ")})`)
    .requiredOption("--action <action>", "the action to decide, e.g. cobrowse:control")
    .option("--context <json>", "facts as JSON, e.g. '{\"grantedMode\":\"control\",\"visitorConsent\":{\"control\":true}}'")
    .option("--json", "print JSON")
    .action((opts: { role?: string; action: string; context?: string; json?: boolean }) => {
      const json = Boolean(opts.json);
      const config = configOrExit(json);
      const engine = loadOrExit(policySourceFor(config), json);
      const context = explainContext(opts);
      const explanation = engine.explain(opts.action, context);
      const d = explanation.decision;
      emit(json, explanation, () =>
        `${d.allow ? "ALLOW" : "DENY"} ${opts.action}\n` +
        `  rule:   ${d.rule}\n  reason: ${d.reason}\n  asvs:   ${d.asvs.join(", ")}\n\nsteps:\n` +
        table(explanation.trace.map((s) => [`  ${s.outcome}`, s.rule, s.reason])) +
        `\n\ncontext: ${JSON.stringify(context)}\npolicy sha256 ${explanation.policyHash}`,
      );
      if (!d.allow) process.exitCode = ExitCode.failure;
    });
}

/** Defaults describe an agent who passed MFA on loopback; --context overrides any of them. */
function explainContext(opts: { role?: string; action: string; context?: string }): PolicyContext {
  let given: ExplainContextInput = {};
  if (opts.context !== undefined) {
    let raw: unknown;
    try {
      raw = JSON.parse(opts.context);
    } catch {
      usage("--context is not valid JSON");
    }
    const parsed = explainContextSchema.safeParse(raw);
    if (!parsed.success) usage(`--context: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ")}`);
    given = parsed.data;
  }
  const roles = opts.role?.split(",").map((r) => r.trim()).filter(Boolean) ?? [];
  const unknown = roles.filter((r) => !(ROLES as readonly string[]).includes(r));
  if (unknown.length > 0) usage(`unknown role: ${unknown.join(", ")} (roles are ${ROLES.join(", ")})`);
  const visitor = isAction(opts.action) && isVisitorAction(opts.action);
  const base: PolicyContext = visitor
    ? { actor: "visitor" }
    : agentPolicyContext({ subject: "explain", roles, mfa: true, sourceAddress: "127.0.0.1" });
  return { ...base, ...given };
}

function usage(message: string): never {
  process.stderr.write(`airlock: ${message}\n`);
  process.exit(ExitCode.invalidConfig);
}

