import { build } from "esbuild";
import path from "node:path";
import { defineRoute, type RouteDef } from "../../src/http/route.js";

// A console page for tests that hosts the real co-browse viewer, served by a real Airlock (so
// it gets the console CSP with Trusted Types, and the replay frame gets the replay CSP). The
// test hands server→agent messages to `window.__viewer.handle(...)` and reads what the viewer
// sends from `window.__sent`.

const entry = `
import { CobrowseViewer } from "./src/console/viewer/cobrowse-viewer.ts";
const sent = [];
const viewer = new CobrowseViewer({ frameSrc: "/cobrowse/replay-frame", send: (m) => sent.push(m) });
document.getElementById("root").append(viewer.element);
window.__viewer = viewer;
window.__sent = sent;
`;

export async function viewerHarnessRoutes(): Promise<RouteDef<unknown>[]> {
  const root = path.resolve(import.meta.dirname, "../..");
  const out = await build({ stdin: { contents: entry, resolveDir: root, loader: "ts" }, bundle: true, format: "iife", write: false, platform: "browser", logLevel: "silent" });
  const js = out.outputFiles[0]?.text ?? "";
  return [
    defineRoute({
      method: "GET",
      path: "/test/viewer",
      access: { public: true },
      handler: (ctx) => {
        ctx.type = "text/html; charset=utf-8";
        ctx.body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Viewer</title><link rel="stylesheet" href="/test/viewer.css"></head>
<body><div id="root"></div><script src="/test/viewer.js"></script></body></html>`;
      },
    }),
    defineRoute({ method: "GET", path: "/test/viewer.js", access: { public: true }, handler: (ctx) => { ctx.type = "text/javascript"; ctx.body = js; } }),
    defineRoute({
      method: "GET",
      path: "/test/viewer.css",
      access: { public: true },
      handler: (ctx) => {
        ctx.type = "text/css";
        ctx.body = "html,body{margin:0;height:100%}#root{height:100vh;padding:12px;box-sizing:border-box}";
      },
    }),
  ];
}
