#!/usr/bin/env node
// Bundles the agent console (src/console/ui/main.ts and its stylesheet) into dist/console/,
// the files Airlock serves under /console/assets/. Plain TypeScript + DOM, no framework; the
// output is one classic script and one stylesheet, so the console runs under a CSP with no
// inline script or style and with Trusted Types enforced.
import path from "node:path";
import { bundleForBrowser, reportSize, root } from "./lib/browser-bundle.mjs";

const outdir = path.join(root, "dist", "console");
const ui = path.join(root, "src", "console", "ui");

await bundleForBrowser({ console: path.join(ui, "main.ts"), "console-style": path.join(ui, "styles", "console.css") }, { outdir });
for (const file of ["console.js", "console-style.css"]) reportSize("console", path.join(outdir, file));
