// What the visitor script and the console bundles have in common: one minified classic script
// (IIFE) per entry for the browsers Airlock supports, no source maps or legal comments in the
// output, and a size report (gzipped size is what a page pays).
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/** The repository root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

const BROWSER_TARGETS = ["es2022", "chrome110", "firefox115", "safari16.4"];

/** Bundles for the browser; `output` is esbuild's `outfile` or `outdir` (with `entryPoints` as an object). */
export async function bundleForBrowser(entryPoints, output) {
  await build({
    entryPoints,
    ...output,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: BROWSER_TARGETS,
    minify: true,
    legalComments: "none",
    sourcemap: false,
    logLevel: "warning",
  });
}

/** Prints `label: file N bytes, M bytes gzipped` (file relative to the repository root). */
export function reportSize(label, file) {
  const bytes = readFileSync(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  console.log(`${label}: ${path.relative(root, file)} ${bytes.length} bytes, ${gz} bytes gzipped`);
}
