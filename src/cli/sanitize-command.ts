import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { readAllowlist } from "../relay/sanitizer/policy-allowlist.js";
import { AssetUrlSigner } from "../relay/sanitizer/asset-url.js";
import { Sanitizer } from "../relay/sanitizer/sanitizer.js";
import { configOrExit } from "./load-config.js";
import { ExitCode } from "./output.js";

const shippedPolicies = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../policies");

export function registerSanitizeCommand(program: Command): void {
  program
    .command("sanitize")
    .description(
      "read an HTML document or fragment on stdin and print exactly what an agent would receive for it\n" +
        "(same sanitizer and policies as the relay; page URLs become asset-proxy URLs or are dropped)",
    )
    .option("--base-url <url>", "URL of the page: resolves relative URLs; its origin is the only asset origin")
    .option("--policies <dir>", "policy folder (default: the policyDir setting, else the shipped policies)")
    .action(async (opts: { baseUrl?: string; policies?: string }) => {
      const config = configOrExit();
      let origin: string | undefined;
      if (opts.baseUrl !== undefined) {
        try {
          origin = new URL(opts.baseUrl).origin;
        } catch {
          process.stderr.write("airlock: --base-url is not an absolute URL\n");
          process.exit(ExitCode.invalidConfig);
        }
      }
      const dir = opts.policies ?? config.policyDir ?? shippedPolicies;
      let sanitizer: Sanitizer;
      try {
        sanitizer = new Sanitizer({
          allowlist: readAllowlist(dir),
          signer: new AssetUrlSigner(config.publicUrl),
          site: { id: "cli", origins: origin && origin !== "null" ? [origin] : [] },
          maskSelectors: [],
        });
      } catch (err) {
        process.stderr.write(`airlock: cannot read policies from ${dir}: ${(err as Error).message}\n`);
        process.exit(ExitCode.invalidConfig);
      }
      const input = await readStdin();
      try {
        const out = sanitizer.html(input, opts.baseUrl, { parent: 0, svg: false });
        process.stdout.write(out.html + "\n");
      } catch (err) {
        process.stderr.write(`airlock: ${(err as Error).message}\n`);
        process.exit(ExitCode.failure);
      }
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
