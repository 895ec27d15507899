import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PolicyError } from "../../src/policy/errors.js";
import { loadPolicy, shippedPolicyDir } from "../../src/policy/load.js";
import { runCli, runCliAsync } from "../helpers/cli.js";
import { malformedCases } from "./malformed-cases.js";
import { policyDir, replaceOnce, shipped } from "./policy-dir.js";

const env = () => ({ AIRLOCK_DATA_DIR: mkdtempSync(path.join(tmpdir(), "airlock-pc-")) });

describe("policy check", () => {
  it("accepts the shipped policy (exit 0) and prints its hash", () => {
    const r = runCli(["policy", "check", "--json"], env());
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { ok: boolean; hash: string };
    expect(out.ok).toBe(true);
    expect(out.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  describe.each(malformedCases)("$name", (c) => {
    const dir = policyDir({ [c.file]: c.text });
    const file = path.join(dir, c.file);

    it("is rejected by the loader with file, line and field", () => {
      let error: unknown;
      try {
        loadPolicy({ shippedDir: shippedPolicyDir, overrideDir: dir, mode: "dev" });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(PolicyError);
      const issue = (error as PolicyError).issues.find((i) => i.field === c.field);
      expect(issue, JSON.stringify((error as PolicyError).issues)).toMatchObject({ file, line: c.line });
      expect(issue?.message).toMatch(c.message);
    });

    it.concurrent("fails `airlock policy check DIR` (exit 2) and `airlock serve` (exit 1) with the same file:line and field", async () => {
      const e = env();
      const [check, serve] = await Promise.all([runCliAsync(["policy", "check", dir], e), runCliAsync(["serve"], { ...e, AIRLOCK_POLICY_DIR: dir })]);
      expect(check.status).toBe(2);
      expect(check.stderr).toContain(`${file}:${c.line}:`);
      expect(check.stderr).toContain(`: ${c.field}: `);
      expect(serve.status).toBe(1);
      expect(serve.stderr).toMatch(/cannot start: invalid policy:/);
      const issueLines = check.stderr.split("\n").filter((l) => l.startsWith("  - "));
      expect(issueLines.length).toBeGreaterThan(0);
      for (const line of issueLines) expect(serve.stderr).toContain(line);
    });
  });

  it("--json lists the issues", () => {
    const dir = policyDir({ "access.yaml": replaceOnce(shipped("access.yaml"), "airlock-auditors: [auditor]", "airlock-auditors: [root]") });
    const r = runCli(["policy", "check", dir, "--json"], env());
    expect(r.status).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; issues: { field: string; line: number }[] };
    expect(out.ok).toBe(false);
    expect(out.issues[0]?.field).toBe("groupMapping.groups.airlock-auditors[0]");
  });

  it("refuses a misspelt file name in the override folder (it would silently keep the shipped rule)", () => {
    const dir = policyDir({ "acess.yaml": shipped("access.yaml") });
    const r = runCli(["policy", "check", dir], env());
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/acess\.yaml: \(file\): unknown policy file/);
  });

  it("production mode refuses http and wildcard site origins", () => {
    const sites = replaceOnce(shipped("sites.yaml"), "http://localhost:8080]", "https://*.bank.example]");
    const dir = policyDir({ "sites.yaml": sites });
    const r = runCli(["policy", "check", dir], { ...env(), AIRLOCK_MODE: "production", AIRLOCK_PUBLIC_URL: "https://a.example", AIRLOCK_IDP: "oidc",
      AIRLOCK_OIDC_ISSUER: "https://idp.example", AIRLOCK_OIDC_CLIENT_ID: "c", AIRLOCK_OIDC_CLIENT_SECRET: "s", AIRLOCK_MASTER_KEY: `k1:${Buffer.alloc(32, 1).toString("base64")}` });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/sites\.demo\.origins\[0\]: production mode requires https origins: http:\/\/127\.0\.0\.1:8080/);
    expect(r.stderr).toMatch(/sites\.demo\.origins\[1\]: wildcard origins are not allowed/);
    expect(runCli(["policy", "check"], env()).status).toBe(0);
  });
});
