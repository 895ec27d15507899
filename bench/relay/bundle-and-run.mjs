// Bundles one of the TypeScript bench scripts next to this file with esbuild (they import the
// repository's TypeScript sources) and runs it in this process.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

export async function bundleAndRun(script) {
  const root = path.resolve(import.meta.dirname, "../..");
  const outDir = path.join(root, "node_modules/.cache/airlock-bench");
  mkdirSync(outDir, { recursive: true });
  const outfile = path.join(outDir, `${path.basename(script, ".ts")}.mjs`);
  await build({
    entryPoints: [path.join(root, "bench/relay", script)],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    packages: "external",
    outfile,
    logLevel: "warning",
    define: { "import.meta.dirname": JSON.stringify(path.join(root, "bench/relay")) },
  });
  await import(pathToFileURL(outfile).href);
}
