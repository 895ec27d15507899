// Airlock's dependency rules, checked by dependency-cruiser in the whole-suite test run
// (scripts/check-deps.sh; docs/development.md "Source layout"). Type-only imports count: a
// cycle through types is still two modules that cannot be read apart.
//
// Layers, from the bottom: the wire protocol (src/protocol) → the HTTP/WebSocket route kit
// (src/http) and the capabilities (relay, chat, auth, policy, …) → the composition root
// (src/server), which alone imports every capability → the CLI (src/cli), which starts it.

/** Browser bundles: the visitor script and the agent console (its pages in console/ui, the co-browse viewer in console/viewer). */
const BROWSER = "^src/(visitor|console/ui|console/viewer)/";

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "No import cycle anywhere in src/: every module can be read, tested and moved without the ones that import it.",
      severity: "error",
      from: { path: "^src/" },
      to: { circular: true },
    },
    {
      name: "no-import-of-composition-root",
      comment:
        "Only the CLI (the entry point) and the benchmarks it runs (which start whole servers, as the CLI does, and which nothing but the CLI imports) import the composition root (src/server). A capability or the route kit that imported it would depend on every capability, itself included.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(server|cli|bench)/" },
      to: { path: "^src/server/" },
    },
    {
      name: "cli-is-the-top",
      comment: "The CLI is the entry point (bin/airlock): nothing else in src/ imports it.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/cli/" },
      to: { path: "^src/cli/" },
    },
    {
      name: "route-kit-runs-without-capabilities",
      comment:
        "The route kit (src/http) names capabilities' service types (Services) but loads no capability code: at run time it imports only itself, src/errors.ts, the protocol, the quota meters and the client address check.",
      severity: "error",
      from: { path: "^src/http/" },
      to: {
        path: "^src/",
        pathNot: ["^src/http/", "^src/errors[.]ts$", "^src/protocol/", "^src/quotas/", "^src/auth/network[.]ts$"],
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "protocol-is-a-leaf",
      comment: "The wire protocol is shared by the server and both browser bundles: it imports nothing else of Airlock.",
      severity: "error",
      from: { path: "^src/protocol/" },
      to: { path: "^src/", pathNot: "^src/protocol/" },
    },
    {
      name: "browser-bundles-import-no-server-code",
      comment:
        "The visitor script and the console bundle import only browser code, the wire protocol and the action vocabulary (a list of names); never a server module.",
      severity: "error",
      from: { path: BROWSER },
      to: { path: "^src/", pathNot: [BROWSER, "^src/protocol/", "^src/policy/actions[.]ts$"] },
    },
    {
      name: "action-vocabulary-is-a-leaf",
      comment: "src/policy/actions.ts is bundled into the console: it stays a leaf so no server module follows it there.",
      severity: "error",
      from: { path: "^src/policy/actions[.]ts$" },
      to: { path: "^src/" },
    },
    {
      name: "bench-only-from-cli",
      comment: "Benchmark code (src/bench) forks load generators and is never part of `airlock serve`: only the CLI's bench commands import it.",
      severity: "error",
      from: { path: "^src/", pathNot: "^src/(cli|bench)/" },
      to: { path: "^src/bench/" },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "node_modules" },
    // Unit tests beside their module may import anything they exercise.
    exclude: { path: "[.]test[.]ts$" },
  },
};
