import { once } from "node:events";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, spawnCli, waitForLog } from "../helpers/cli.js";
import { policyDir, replaceOnce, shipped } from "./policy-dir.js";

function policyChanges(env: Record<string, string>): string[] {
  const r = runCli(["audit", "export"], env);
  expect(r.status).toBe(0);
  return r.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { action: string; target: string })
    .filter((e) => e.action === "policy.changed")
    .map((e) => e.target);
}

describe("policy reload on SIGHUP (real server process)", () => {
  it("rejects an invalid policy and keeps the previous one in force; a valid change is applied and audited", { timeout: 60_000 }, async () => {
    const dir = policyDir({ "access.yaml": shipped("access.yaml") });
    const env = { AIRLOCK_DATA_DIR: mkdtempSync(path.join(tmpdir(), "airlock-hup-")), AIRLOCK_POLICY_DIR: dir };
    expect(runCli(["migrate", "up"], env).status).toBe(0);
    const child = spawnCli(["serve"], env);
    try {
      const loaded = waitForLog(child, "policy loaded");
      const listening = await waitForLog(child, "airlock listening");
      const original = String((await loaded).policyHash);
      expect(policyChanges(env)).toEqual([`policy:sha256:${original}`]);

      writeFileSync(path.join(dir, "access.yaml"), replaceOnce(shipped("access.yaml"), "airlock-auditors: [auditor]", "airlock-auditors: [root]"));
      const rejected = waitForLog(child, "policy reload rejected: the previous policy stays in force");
      child.kill("SIGHUP");
      const entry = await rejected;
      expect(entry.policyHash).toBe(original);
      expect(JSON.stringify(entry.issues)).toContain("groupMapping.groups.airlock-auditors[0]");
      expect((await fetch(new URL("/healthz", String(listening.url)))).status).toBe(200);
      expect(policyChanges(env)).toEqual([`policy:sha256:${original}`]);

      writeFileSync(path.join(dir, "access.yaml"), replaceOnce(shipped("access.yaml"), "airlock-auditors: [auditor]", "airlock-auditors: [auditor]\n    airlock-compliance: [auditor]"));
      const reloaded = waitForLog(child, "policy reloaded");
      child.kill("SIGHUP");
      const applied = await reloaded;
      expect(applied.changed).toBe(true);
      expect(applied.policyHash).not.toBe(original);
      expect(policyChanges(env)).toEqual([`policy:sha256:${original}`, `policy:sha256:${String(applied.policyHash)}`]);
    } finally {
      child.kill("SIGTERM");
      await once(child, "exit");
    }
  });
});
