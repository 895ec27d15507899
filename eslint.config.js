// ESLint for Airlock: typescript-eslint's type-aware rules over every TypeScript file of the
// project (src/, test/, bench/, scripts/*.ts — the files of tsconfig.json), ESLint's own
// recommended rules over the JavaScript around it. `make lint` runs it; `make test` runs it
// before the suite, with `--max-warnings 0`.
//
// Import cycles and layer rules (no capability imports the composition root) are not checked
// here: dependency-cruiser does that in `make test` (.dependency-cruiser.cjs), so no ESLint
// import plugin is needed.
// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Code that runs in the visitor's or the agent's browser (bundled by scripts/build-*.mjs).
const BROWSER_TS = ["src/visitor/**/*.ts", "src/console/ui/**/*.ts", "src/console/viewer/**/*.ts"];

// tsconfig.json gives every TypeScript file both the DOM and Node's types, so TypeScript alone
// would let server code read `document` or browser code read `process`; these keep each side
// to its own runtime.
const BROWSER_ONLY = ["window", "document", "navigator", "location", "localStorage", "sessionStorage", "history"];
const NODE_ONLY = ["process", "Buffer", "global", "require", "module", "__dirname", "__filename", "setImmediate", "clearImmediate"];
const restricted = (names, where) =>
  names.map((name) => ({ name, message: `'${name}' does not exist ${where}.` }));

// JavaScript files get no type information, so ESLint's no-undef needs their globals: Node's are
// the ones this very process has (the config runs under Node 24); the one browser script lists its own.
const nodeGlobals = Object.fromEntries(
  [...Object.getOwnPropertyNames(globalThis), "process", "Buffer", "console"].map((name) => [name, "readonly"]),
);

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", ".tools/**", "coverage/**", "test-results/**", "data/**", "bench/fidelity/corpus/**"] },
  js.configs.recommended,
  {
    files: ["**/*.js", "**/*.mjs", "**/*.cjs"],
    languageOptions: { globals: nodeGlobals },
  },
  {
    files: ["bench/capture/rrweb-recorder.js"],
    languageOptions: {
      sourceType: "script",
      globals: { window: "readonly", location: "readonly", WebSocket: "readonly", addEventListener: "readonly", setInterval: "readonly" },
    },
  },
  {
    files: ["**/*.ts"],
    extends: [tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // The promise rules: a promise nobody awaits loses its rejection; a promise where a
      // callback's void is expected runs unobserved. `void` is for deliberate fire-and-forget
      // whose rejection is handled inside.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
      // `any` at a boundary: parse it (zod) or narrow it, never pass it on.
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unsafe-argument": "error",
      "@typescript-eslint/no-unsafe-assignment": "error",
      "@typescript-eslint/no-unsafe-call": "error",
      "@typescript-eslint/no-unsafe-member-access": "error",
      "@typescript-eslint/no-unsafe-return": "error",
      // Unused code is removed; a parameter or binding that must exist but is unused starts with `_`.
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
      ],
      "@typescript-eslint/no-unused-expressions": "error",
      // Left out: async functions without await are how this code implements Promise-returning
      // interfaces (Kysely's migration provider, oidc-provider hooks, test fakes); the hazards
      // they could hide are no-misused-promises' and await-thenable's findings.
      "@typescript-eslint/require-await": "off",
      // Not enabled: no-unnecessary-condition. Of its 142 findings when it was measured, 110 were
      // optional chains on values typed non-nullish (mostly tests, and browser code guarding DOM
      // APIs the types promise); worth a pass of its own, not a gate yet.
    },
  },
  {
    // Tests only: vitest's asymmetric matchers (expect.any, expect.stringMatching,
    // expect.objectContaining) are typed `any` by design and sit only inside expected values, which
    // is all this rule finds in tests. The other unsafe-any rules stay on there.
    files: ["test/**/*.ts", "src/**/*.test.ts"],
    rules: { "@typescript-eslint/no-unsafe-assignment": "off" },
  },
  {
    files: ["src/**/*.ts"],
    // Benchmark code drives Chromium: its page callbacks run in the browser.
    ignores: [...BROWSER_TS, "src/bench/**"],
    rules: { "no-restricted-globals": ["error", ...restricted(BROWSER_ONLY, "on the server (browser code lives in src/visitor and src/console)")] },
  },
  {
    files: BROWSER_TS,
    rules: { "no-restricted-globals": ["error", ...restricted(NODE_ONLY, "in the browser")] },
  },
);
