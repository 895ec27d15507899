import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import YAML from "yaml";
import { claimsSchema, invariantsSchema } from "./evidence/pointers.js";
import { repoRoot } from "./source-scan.js";

// compliance/claims.yaml and compliance/invariants.yaml are well formed and complete; that their
// tests ran and passed is the evidence gate's job (scripts/test.sh, after the whole suite).

const read = (file: string) => readFileSync(path.join(repoRoot, file), "utf8");
const claims = claimsSchema.parse(YAML.parse(read("compliance/claims.yaml")));
const invariants = invariantsSchema.parse(YAML.parse(read("compliance/invariants.yaml")));

/** The claims Airlock's material makes; each must keep its entry (a removed claim fails here). */
const PUBLIC_CLAIMS = [
  "eu-hosting", "gdpr", "raid5-storage", "daily-offsite-backups", "certified-hosting", "server-side-sanitizing",
  "no-direct-contact", "session-cookies-only", "two-minute-away-rule", "nosync-never-leaves", "no-agent-passwords",
  "cobrowse-content-not-stored", "tls-to-agents", "view-and-control-acl", "only-pages-with-script",
  "chat-logs-trusted-personnel", "owasp", "own-certificate", "operator-network-allowlist", "encrypted-operator-communication",
];

describe("claims and invariants (compliance/claims.yaml, compliance/invariants.yaml)", () => {
  it("has an entry for every public claim, each with responsibility, control, configuration and tests", () => {
    expect(Object.keys(claims.claims).sort()).toEqual([...PUBLIC_CLAIMS].sort());
  });

  it("points claims only at documents that exist", () => {
    const missing = Object.entries(claims.claims).flatMap(([id, c]) => c.documents.filter((d) => !existsSync(path.join(repoRoot, d))).map((d) => `${id}: ${d}`));
    expect(missing).toEqual([]);
  });

  it("lists in SECURITY.md exactly the invariants of compliance/invariants.yaml, in order", () => {
    const section = read("SECURITY.md").split("## Security invariants")[1]?.split("\n## ")[0] ?? "";
    const listed = [...section.matchAll(/^(\d+)\. (.+)$/gm)].map((m) => [m[1], m[2]]);
    expect(listed).toEqual(Object.entries(invariants.invariants).map(([id, i]) => [id, i.statement]));
    expect(listed).toHaveLength(9);
  });
});
