#!/usr/bin/env node
// Bundles the visitor script (src/visitor/main.ts) into dist/visitor/siteconnect.js, the file
// Airlock serves at /siteconnect.js. One classic script, no eval, no inline style, no framework.
// Prints the gzipped size; the test suite holds it to the 25 KB budget.
import { build } from "esbuild";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, "dist", "visitor", "siteconnect.js");

await build({
  entryPoints: [path.join(root, "src", "visitor", "main.ts")],
  outfile,
  bundle: true,
  format: "iife",
  platform: "browser",
  target: ["es2022", "chrome110", "firefox115", "safari16.4"],
  minify: true,
  legalComments: "none",
  sourcemap: false,
  logLevel: "warning",
});

const bytes = readFileSync(outfile);
const gz = gzipSync(bytes, { level: 9 }).length;
console.log(`visitor script: ${path.relative(root, outfile)} ${bytes.length} bytes, ${gz} bytes gzipped`);
