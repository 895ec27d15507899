import { readFileSync } from "node:fs";

/** Airlock's version from package.json (two levels above dist/cli/ and src/cli/). */
export function airlockVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version?: unknown };
    return typeof pkg.version === "string" ? pkg.version : "unknown";
  } catch {
    return "unknown";
  }
}
