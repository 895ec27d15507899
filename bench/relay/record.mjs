// Bundles record-frames.ts with esbuild (the repository's TypeScript imports) and runs it.
import { build } from "esbuild";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const root = path.resolve(import.meta.dirname, "../..");
const outDir = path.join(root, "node_modules/.cache/airlock-bench");
mkdirSync(outDir, { recursive: true });
const outfile = path.join(outDir, "record-frames.mjs");
await build({
  entryPoints: [path.join(root, "bench/relay/record-frames.ts")],
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
