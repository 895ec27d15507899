import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

// Static scans of src/ for what the data map must cover: the fields of every log call, and the
// cookies and browser storage keys Airlock sets. Parsing (not grepping) finds every call however
// it is formatted; a call the scan cannot read is reported, never skipped.

export const repoRoot = path.resolve(import.meta.dirname, "../..");
const LOG_METHODS = new Set(["trace", "debug", "info", "warn", "error", "fatal"]);

export function sourceFiles(dir = path.join(repoRoot, "src")): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") && !e.name.endsWith(".d.ts"))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export interface LogFieldScan {
  /** Field name -> where it is logged (file:line). */
  readonly fields: Map<string, string[]>;
  /** Log calls whose fields cannot be read statically (a variable or a spread). */
  readonly unreadable: string[];
}

/** A logger is any receiver named `log` or `logger` (`log`, `this.log`, `services.log`, `options.log`…). */
function isLoggerCall(node: ts.CallExpression): boolean {
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || !LOG_METHODS.has(callee.name.text)) return false;
  const receiver = callee.expression;
  const name = ts.isIdentifier(receiver) ? receiver.text : ts.isPropertyAccessExpression(receiver) ? receiver.name.text : "";
  return name === "log" || name === "logger";
}

export function scanLogFields(files: readonly string[] = sourceFiles()): LogFieldScan {
  const fields = new Map<string, string[]>();
  const unreadable: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const where = (node: ts.Node) => `${path.relative(repoRoot, file)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && isLoggerCall(node)) {
        const first = node.arguments[0];
        if (first && ts.isObjectLiteralExpression(first)) {
          for (const property of first.properties) {
            const name = property.name && (ts.isIdentifier(property.name) || ts.isStringLiteral(property.name)) ? property.name.text : undefined;
            if (!name || ts.isSpreadAssignment(property)) unreadable.push(`${where(property)} (spread or computed key)`);
            else fields.set(name, [...(fields.get(name) ?? []), where(property)]);
          }
        } else if (first && !ts.isStringLiteralLike(first) && !ts.isTemplateExpression(first)) {
          unreadable.push(`${where(first)} (fields passed as ${ts.SyntaxKind[first.kind]})`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { fields, unreadable };
}

/** Cookie names: exported `…CookieName` constants and any `__Host-`/`__Secure-` literal. */
export function scanCookieNames(files: readonly string[] = sourceFiles()): Map<string, string> {
  const found = new Map<string, string>();
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/CookieName\s*=\s*"([^"]+)"/g)) found.set(m[1] as string, path.relative(repoRoot, file));
    for (const m of text.matchAll(/["'`](__(?:Host|Secure)-[A-Za-z0-9_-]+)/g)) found.set(m[1] as string, path.relative(repoRoot, file));
  }
  return found;
}

/** Keys written to sessionStorage/localStorage, resolving `const KEY = "…"` in the same file. */
export function scanStorageKeys(files: readonly string[] = sourceFiles()): { keys: Map<string, string>; unresolved: string[] } {
  const keys = new Map<string, string>();
  const unresolved: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\b(sessionStorage|localStorage)\.(?:getItem|setItem|removeItem)\(\s*([A-Za-z_$][\w$]*|"[^"]*"|'[^']*')/g)) {
      const arg = m[2] as string;
      const literal = /^["']/.test(arg) ? arg.slice(1, -1) : new RegExp(`\\b(?:const|let|var)\\s+${arg}\\s*=\\s*["']([^"']+)["']`).exec(text)?.[1];
      if (literal) keys.set(`${m[1]}:${literal}`, path.relative(repoRoot, file));
      else unresolved.push(`${path.relative(repoRoot, file)}: ${m[0]}`);
    }
  }
  return { keys, unresolved };
}
