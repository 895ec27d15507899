import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

// The dependency rules (.dependency-cruiser.cjs) run over src/ in the whole-suite test run
// (scripts/check-deps.sh). These tests run the same script over small made-up trees, to show
// that each rule reports what it must and that a tree which keeps the rules passes.

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
const checkDeps = path.join(repoRoot, "scripts", "check-deps.sh");
const trees: string[] = [];

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(process.env.AIRLOCK_TEST_TMP ?? tmpdir(), "airlock-deps-"));
  trees.push(dir);
  const tsconfig = { compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true }, include: ["src/**/*.ts"] };
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

function check(dir: string): { status: number | null; report: string } {
  const run = spawnSync(checkDeps, [dir], { encoding: "utf8", timeout: 60_000 });
  return { status: run.status, report: run.stdout + run.stderr };
}

afterEach(() => {
  for (const dir of trees.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("dependency rules", () => {
  it("pass a tree whose imports run down: CLI → composition root → capability → kit → protocol", () => {
    const dir = tree({
      "src/protocol/frame.ts": "export const frame = 1;\n",
      "src/http/route.ts": 'import { frame } from "../protocol/frame.js";\nexport const route = frame;\n',
      "src/relay/routes.ts": 'import { route } from "../http/route.js";\nexport const relayRoutes = [route];\n',
      "src/server/app.ts": 'import { relayRoutes } from "../relay/routes.js";\nexport const app = relayRoutes;\n',
      "src/bench/relay.ts": "export const bench = 1;\n",
      "src/cli/main.ts": 'import { app } from "../server/app.js";\nimport { bench } from "../bench/relay.js";\nexport const main = [app, bench];\n',
      "src/visitor/main.ts": 'import { frame } from "../protocol/frame.js";\nexport const visitor = frame;\n',
    });
    const { status, report } = check(dir);
    expect(report).toContain("no dependency violations");
    expect(status).toBe(0);
  });

  it("can fail: a cycle, a capability importing the composition root, a protocol import, browser code importing the server, bench code outside the CLI, the kit loading a capability, the CLI imported", () => {
    const dir = tree({
      // A cycle made only of type imports still counts.
      "src/chat/a.ts": 'import type { B } from "./b.js";\nexport type A = { b?: B };\n',
      "src/chat/b.ts": 'import type { A } from "./a.js";\nexport type B = { a?: A };\n',
      "src/server/services.ts": "export interface Services { readonly name: string }\n",
      "src/relay/routes.ts": 'import type { Services } from "../server/services.js";\nexport const use = (s: Services) => s.name;\n',
      "src/protocol/frame.ts": 'import { use } from "../relay/routes.js";\nexport const frame = use;\n',
      "src/http/route.ts": "export const route = 1;\n",
      "src/console/ui/main.ts": 'import { route } from "../../http/route.js";\nexport const ui = route;\n',
      "src/bench/load.ts": "export const load = 1;\n",
      "src/chat/queue.ts": 'import { load } from "../bench/load.js";\nexport const queue = load;\n',
      "src/policy/actions.ts": 'import { route } from "../http/route.js";\nexport const ACTIONS = [route];\n',
      // The kit may name a capability's type, but not load its code.
      "src/relay/relay.ts": "export class Relay { readonly rooms = 0 }\n",
      "src/http/context.ts": 'import type { Relay } from "../relay/relay.js";\nexport interface Services { readonly relay: Relay }\n',
      "src/http/ws/socket.ts": 'import { Relay } from "../../relay/relay.js";\nexport const relay = new Relay();\n',
      "src/cli/output.ts": "export const emit = 1;\n",
      "src/audit/export.ts": 'import { emit } from "../cli/output.js";\nexport const exported = emit;\n',
    });
    const { status, report } = check(dir);
    expect(status).not.toBe(0);
    expect(report).toMatch(/no-circular: src\/chat\/(a|b)\.ts/);
    expect(report).toContain("no-import-of-composition-root: src/relay/routes.ts → src/server/services.ts");
    expect(report).toContain("protocol-is-a-leaf: src/protocol/frame.ts → src/relay/routes.ts");
    expect(report).toContain("browser-bundles-import-no-server-code: src/console/ui/main.ts → src/http/route.ts");
    expect(report).toContain("bench-only-from-cli: src/chat/queue.ts → src/bench/load.ts");
    expect(report).toContain("action-vocabulary-is-a-leaf: src/policy/actions.ts → src/http/route.ts");
    expect(report).toContain("route-kit-runs-without-capabilities: src/http/ws/socket.ts → src/relay/relay.ts");
    expect(report).not.toContain("src/http/context.ts →");
    expect(report).toContain("cli-is-the-top: src/audit/export.ts → src/cli/output.ts");
  });
});
