#!/usr/bin/env node
// Bundles the agent console (src/console/ui/main.ts and its stylesheet) into dist/console/,
// the files Airlock serves under /console/assets/. Plain TypeScript + DOM, no framework; the
// output is one classic script and one stylesheet, so the console runs under a CSP with no
// inline script or style and with Trusted Types enforced.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outdir = path.join(root, "dist", "console");
const ui = path.join(root, "src", "console", "ui");

await build({
  entryPoints: { console: path.join(ui, "main.ts"), "console-style": path.join(ui, "styles", "console.css") },
  outdir,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2022", "chrome110", "firefox115", "safari16.4"],
  minify: true,
  legalComments: "none",
  sourcemap: false,
  logLevel: "warning",
});

for (const file of ["console.js", "console-style.css"]) {
  const bytes = readFileSync(path.join(outdir, file));
  console.log(`console: dist/console/${file} ${bytes.length} bytes, ${gzipSync(bytes, { level: 9 }).length} bytes gzipped`);
}
