import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

// The suite runs beside a running Airlock (`make run` holds 8080, its dev IdP 8180 and its
// metrics 9464) and its files run beside each other: no test or helper may listen on a fixed
// port. Servers take port 0 (test/helpers/ports.ts freeListenerEnv, which startTestServer and the
// CLI helpers apply) or a port from freePort(). Parsed, not grepped: an origin string such as
// "http://127.0.0.1:8080" is only text, while a listen(8180) is a finding however it is written.

const repoRoot = path.resolve(import.meta.dirname, "..");
const PORT_SETTINGS = new Set(["AIRLOCK_PORT", "AIRLOCK_METRICS_PORT", "AIRLOCK_DEV_IDP_PORT"]);
const PORT_KEYS = new Set(["port", "devIdpPort", "metricsPort"]);
const AIRLOCK_DEFAULT_PORTS = new Set([8080, 8180, 9464]);
const PROCESS_STARTERS = new Set(["spawn", "spawnSync", "execFile", "execFileSync", "fork"]);

function literalNumber(node: ts.Node | undefined): number | undefined {
  if (!node) return undefined;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (ts.isStringLiteralLike(node) && /^\d+$/.test(node.text)) return Number(node.text);
  return undefined;
}

function propertyName(node: ts.PropertyAssignment): string | undefined {
  return ts.isIdentifier(node.name) || ts.isStringLiteral(node.name) ? node.name.text : undefined;
}

/** `why` for each place in `text` that listens, or makes Airlock listen, on a fixed port. */
export function fixedPortListens(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const at = (node: ts.Node, why: string) => found.push(`${fileName}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}: ${why}`);
  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
      const first = node.arguments[0];
      const port = literalNumber(first);
      if (name === "listen" && port !== undefined && port !== 0) at(node, `listen(${port})`);
      // `airlock serve` started by hand skips the helpers that give it free ports.
      const startsServe = node.arguments.some((a) => ts.isArrayLiteralExpression(a) && a.elements.some((e) => ts.isStringLiteralLike(e) && e.text === "serve"));
      if (PROCESS_STARTERS.has(name) && startsServe) at(node, `${name}(… "serve" …) outside test/helpers/cli.ts`);
    }
    if (ts.isPropertyAssignment(node)) {
      const key = propertyName(node);
      const port = literalNumber(node.initializer);
      if (key && port !== undefined && port !== 0) {
        if (PORT_SETTINGS.has(key)) at(node, `${key}: ${port}`);
        else if (PORT_KEYS.has(key) && AIRLOCK_DEFAULT_PORTS.has(port)) at(node, `${key}: ${port}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function testSources(): string[] {
  return readdirSync(path.join(repoRoot, "test"), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ts|mjs|js)$/.test(e.name) && !e.parentPath.includes(`${path.sep}corpora`))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

describe("tests run beside a running Airlock", () => {
  it("the scan finds a fixed-port listen however it is written, and leaves free ports and origin strings alone", () => {
    const hostile = [
      `server.listen(8180, "127.0.0.1");`,
      `await startTestServer({ AIRLOCK_DEV_IDP_PORT: "8180" });`,
      `const env = { "AIRLOCK_METRICS_PORT": 9464 };`,
      `startDevIdp({ port: 8180, airlockUrl });`,
      `spawn(process.execPath, [cliEntry, "serve"], { env });`,
    ];
    for (const line of hostile) expect(fixedPortListens("hostile.ts", line), line).toHaveLength(1);
    const fine = [
      `server.listen(0, "127.0.0.1");`,
      `server.listen(await freePort());`,
      `await startTestServer({ AIRLOCK_PORT: String(port), AIRLOCK_DEV_IDP_PORT: "0" });`,
      `const origin = "http://127.0.0.1:8080";`,
      `runCli(["serve"], env);`,
      `runCli(["config", "check"], { AIRLOCK_PORT: "-1" });`,
    ];
    for (const line of fine) expect(fixedPortListens("fine.ts", line), line).toEqual([]);
  });

  it("no test file or helper under test/ listens on a fixed port", () => {
    const files = testSources();
    expect(files.length).toBeGreaterThan(100);
    const found = files.filter((f) => !f.endsWith(path.join("test", "helpers", "cli.ts"))).flatMap((f) => fixedPortListens(path.relative(repoRoot, f), readFileSync(f, "utf8")));
    expect(found).toEqual([]);
  });
});
