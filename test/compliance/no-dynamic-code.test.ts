import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { repoRoot, sourceFiles } from "./source-scan.js";

// The server evaluates no strings as code and runs no operating-system commands (ASVS V1.3.2,
// V1.2.5), draws no random value from Math.random (V6.5.3, V7.2.3, V11.5.1) and hashes only with
// SHA-256 or stronger (V11.4.1, V11.4.3). Parsed, not grepped: a call is found however it is
// formatted, and a comment or a string that merely mentions eval is not a finding.

const CODE_MODULES = new Set(["vm", "node:vm"]);
const COMMAND_MODULES = new Set(["child_process", "node:child_process"]);
// The developer benchmarks (src/bench) fork load generators; they are never part of `airlock serve`.
const BENCH_COMMAND = /^src\/bench\/[\w-]+\.ts$/;
// The visitor script's reconnect back-off jitter is the only Math.random outside the benchmarks;
// it decides a delay, never a secret.
const JITTER_ONLY = new Set(["src/visitor/transport/connection.ts"]);
const HASH_CALLS = new Set(["createHash", "createHmac"]);
const STRONG_HASHES = new Set(["sha256", "sha384", "sha512", "sha512-256", "sha3-256", "sha3-384", "sha3-512"]);

interface Findings {
  readonly code: string[];
  readonly commands: string[];
  readonly random: string[];
  readonly hashes: string[];
}

function importedModule(node: ts.Node): string | undefined {
  if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) return node.moduleSpecifier.text;
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) return node.arguments[0].text;
  return undefined;
}

function callsCodeFromString(node: ts.Node): boolean {
  const callee = ts.isCallExpression(node) || ts.isNewExpression(node) ? node.expression : undefined;
  if (!callee) return false;
  const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : "";
  if (name === "eval" || name === "Function") return true;
  // setTimeout("code") and setInterval("code") evaluate their string argument.
  const first = ts.isCallExpression(node) ? node.arguments[0] : undefined;
  return (name === "setTimeout" || name === "setInterval") && first !== undefined && ts.isStringLiteralLike(first);
}

export function scanDynamicCode(file: string, text: string): Findings {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const code: string[] = [];
  const commands: string[] = [];
  const random: string[] = [];
  const hashes: string[] = [];
  const where = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    const module = importedModule(node);
    if (module !== undefined && CODE_MODULES.has(module)) code.push(`${where(node)} imports ${module}`);
    if (module !== undefined && COMMAND_MODULES.has(module) && !BENCH_COMMAND.test(file)) commands.push(`${where(node)} imports ${module}`);
    if (callsCodeFromString(node)) code.push(`${where(node)} evaluates a string as code`);
    if (ts.isPropertyAccessExpression(node) && node.name.text === "random" && ts.isIdentifier(node.expression) && node.expression.text === "Math" && !BENCH_COMMAND.test(file) && !JITTER_ONLY.has(file)) {
      random.push(`${where(node)} uses Math.random`);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && HASH_CALLS.has(node.expression.text)) {
      const algorithm = node.arguments[0];
      if (!algorithm || !ts.isStringLiteralLike(algorithm)) hashes.push(`${where(node)} ${node.expression.text} with an algorithm that is not a literal`);
      else if (!STRONG_HASHES.has(algorithm.text.toLowerCase())) hashes.push(`${where(node)} ${node.expression.text}("${algorithm.text}")`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { code, commands, random, hashes };
}

function scanSource(): Findings {
  const all = sourceFiles().map((f) => scanDynamicCode(path.relative(repoRoot, f).split(path.sep).join("/"), readFileSync(f, "utf8")));
  return { code: all.flatMap((f) => f.code), commands: all.flatMap((f) => f.commands), random: all.flatMap((f) => f.random), hashes: all.flatMap((f) => f.hashes) };
}

describe("no dynamic code, OS commands, weak randomness or weak hashes in src/", () => {
  const findings = scanSource();

  it("no server module evaluates strings as code", () => {
    expect(findings.code).toEqual([]);
  });

  it("no server module runs operating-system commands", () => {
    expect(findings.commands).toEqual([]);
  });

  it("no server module draws random values from Math.random", () => {
    expect(findings.random).toEqual([]);
  });

  it("hashes and HMACs use SHA-256 or stronger only", () => {
    expect(findings.hashes).toEqual([]);
  });

  it("can fail: eval, new Function, a string timer, vm and child_process are each found; mentions are not", () => {
    const hostile = [
      'import { runInNewContext } from "node:vm";',
      'import { exec } from "child_process";',
      "eval(input);",
      "const f = new Function('a', body);",
      'setTimeout("alert(1)", 10);',
      "globalThis.eval(x);",
      'const later = await import("node:child_process");',
    ].join("\n");
    const found = scanDynamicCode("src/http/example.ts", hostile);
    expect(found.code).toHaveLength(5);
    expect(found.commands).toHaveLength(2);
    const harmless = '// eval( is never called\nconst s = "new Function(";\nsetTimeout(() => undefined, 10);\n';
    expect(scanDynamicCode("src/http/example.ts", harmless)).toEqual({ code: [], commands: [], random: [], hashes: [] });
    expect(scanDynamicCode("src/bench/relay-load.ts", 'import { fork } from "node:child_process";').commands).toEqual([]);
  });

  it("can fail: Math.random, MD5, SHA-1 and an algorithm chosen at run time are each found", () => {
    const weak = 'const id = Math.random().toString(36);\ncreateHash("md5");\ncreateHmac("SHA1", key);\ncreateHash(algorithm);\ncreateHash("sha256");\n';
    const found = scanDynamicCode("src/auth/example.ts", weak);
    expect(found.random).toHaveLength(1);
    expect(found.hashes).toHaveLength(3);
    expect(scanDynamicCode("src/visitor/transport/connection.ts", "const jitter = Math.random();").random).toEqual([]);
  });
});
