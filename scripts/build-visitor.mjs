#!/usr/bin/env node
// Bundles the visitor script (src/visitor/main.ts) into dist/visitor/siteconnect.js, the file
// Airlock serves at /siteconnect.js. One classic script, no eval, no inline style, no framework.
// Prints the gzipped size; the test suite holds it to the 25 KB budget.
import path from "node:path";
import { bundleForBrowser, reportSize, root } from "./lib/browser-bundle.mjs";

const outfile = path.join(root, "dist", "visitor", "siteconnect.js");

await bundleForBrowser([path.join(root, "src", "visitor", "main.ts")], { outfile });
reportSize("visitor script", outfile);
