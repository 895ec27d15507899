import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./source-scan.js";

interface LockPackage {
  readonly version?: string;
  readonly name?: string;
  readonly dev?: boolean;
  readonly link?: boolean;
}

const lockText = readFileSync(path.join(repoRoot, "package-lock.json"));
const lock = JSON.parse(lockText.toString("utf8")) as { packages: Record<string, LockPackage> };
const sbom = JSON.parse(readFileSync(path.join(repoRoot, "compliance/sbom.cdx.json"), "utf8")) as {
  bomFormat: string;
  specVersion: string;
  metadata: { component: { name: string; type: string; properties: { name: string; value: string }[] } };
  components: { name: string; version: string; purl: string }[];
};

/** Every package a production install contains, read from the lockfile itself (not through npm). */
function productionPackages(): string[] {
  const found = new Set<string>();
  for (const [where, p] of Object.entries(lock.packages)) {
    if (!where.startsWith("node_modules/") || p.dev || p.link || !p.version) continue;
    found.add(`${p.name ?? where.slice(where.lastIndexOf("node_modules/") + "node_modules/".length)}@${p.version}`);
  }
  return [...found].sort();
}

describe("SBOM (compliance/sbom.cdx.json, made by scripts/sbom.mjs)", () => {
  it("is CycloneDX for the airlock package and was generated from the current package-lock.json", () => {
    expect([sbom.bomFormat, sbom.specVersion, sbom.metadata.component.name]).toEqual(["CycloneDX", "1.5", "airlock"]);
    expect(sbom.metadata.component.type, "Airlock is an application, not a library").toBe("application");
    const recorded = sbom.metadata.component.properties.find((p) => p.name === "airlock:package-lock-sha256")?.value;
    expect(recorded, "package-lock.json changed: run node scripts/sbom.mjs").toBe(createHash("sha256").update(lockText).digest("hex"));
  });

  it("lists exactly the production packages of package-lock.json", () => {
    const listed = [...new Set(sbom.components.map((c) => `${c.name}@${c.version}`))].sort();
    expect(listed).toEqual(productionPackages());
    expect(sbom.components.every((c) => c.purl.startsWith("pkg:npm/"))).toBe(true);
  });
});
