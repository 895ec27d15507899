// `airlock compliance check`: each check against real databases of both dialects, and the CLI's
// human and JSON output with its exit code.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { recordAudit } from "../../src/audit/trail.js";
import { recordBackupSuccess } from "../../src/backup/backup-record.js";
import { runComplianceChecks, type CheckResult } from "../../src/compliance/check.js";
import { loadConfig } from "../../src/config/load.js";
import type { Config } from "../../src/config/schema.js";
import { runCli } from "../helpers/cli.js";
import { describeEachDialect } from "../helpers/dialects.js";

const dir = mkdtempSync(path.join(tmpdir(), "airlock-compliance-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const DAY = 86_400_000;
const byId = (checks: CheckResult[]) => Object.fromEntries(checks.map((c) => [c.id, c]));

describeEachDialect("compliance check", (fx) => {
  it("fails dev mode, an allowlist of 0.0.0.0/0, a missing backup and clear-text PostgreSQL; passes once they are fixed", async () => {
    const storage = await fx.open();
    const url = fx.dialect === "postgres" ? await fx.freshUrl() : `sqlite:${path.join(dir, `db-${fx.dialect}.db`)}`;
    const vaultUrl = fx.dialect === "postgres" ? await fx.freshUrl() : `sqlite:${path.join(dir, `vault-${fx.dialect}.db`)}`;
    const config = { ...loadConfig({ AIRLOCK_DATA_DIR: dir, AIRLOCK_DATABASE_URL: url, AIRLOCK_KEY_VAULT_URL: vaultUrl }).config } as Config;
    const now = Date.now();
    await recordAudit(storage.db, { actor: "system", action: "cli.test", decision: "info" });

    const bad = byId(await runComplianceChecks({ config, agentAllowlist: ["10.0.0.0/8", "0.0.0.0/0"], db: storage.db, currentKeyId: "k1", now }));
    expect(bad["production-mode"]).toMatchObject({ status: "fail", value: "dev" });
    expect(bad["agent-allowlist"]).toMatchObject({ status: "fail", value: { everything: ["0.0.0.0/0"], widestIpv4: "0.0.0.0/0", ipv4Addresses: 2 ** 32 + 2 ** 24 } });
    expect(bad["backup-age-main"]).toMatchObject({ status: "fail", value: null });
    expect(bad["backup-age-vault"]?.status).toBe("fail");
    expect(bad["audit-chain"]).toMatchObject({ status: "pass", value: { ok: true, entries: 1 } });
    expect(bad["key-rotation-age"]).toMatchObject({ status: "warn", value: { keyId: "k1", ageDays: null } });
    if (fx.dialect === "postgres") {
      expect(bad["tls-database"]?.status).toBe("fail"); // the test server speaks no TLS
    } else {
      expect(bad["tls-database"]).toMatchObject({ status: "pass", value: "not configured" });
    }
    expect(bad["tls-redis"]).toMatchObject({ status: "pass", value: "not configured" });

    await recordBackupSuccess(storage.db, "main", "k1", now - 2 * 3_600_000);
    await recordBackupSuccess(storage.db, "vault", "k1", now - 30 * 3_600_000);
    const good = byId(await runComplianceChecks({ config: { ...config, mode: "production" }, agentAllowlist: ["192.0.2.0/24", "2001:db8:1::/48"], db: storage.db, currentKeyId: `k${now - 10 * DAY}`, now }));
    expect(good["production-mode"]?.status).toBe("pass");
    expect(good["agent-allowlist"]).toMatchObject({ status: "pass", value: { ranges: 2, widestIpv4: "192.0.2.0/24", widestIpv6: "2001:db8:1::/48", ipv4Addresses: 256, ipv6WidestBits: 80 } });
    expect(good["backup-age-main"]).toMatchObject({ status: "pass", value: { ageHours: 2 } });
    expect(good["backup-age-vault"]).toMatchObject({ status: "fail", value: { ageHours: 30 } });
    expect(good["key-rotation-age"]).toMatchObject({ status: "pass", value: { ageDays: 10 } });
    const stale = byId(await runComplianceChecks({ config, agentAllowlist: ["10.0.0.0/8"], db: storage.db, currentKeyId: `k${now - 40 * DAY}`, now }));
    expect(stale["key-rotation-age"]).toMatchObject({ status: "warn", value: { ageDays: 40 } });
    expect(stale["agent-allowlist"]?.status).toBe("warn");
  });
});

it("airlock compliance check prints a sentence per check, --json parses, and a failed check exits 1", () => {
  const keyFile = path.join(dir, "keys");
  writeFileSync(keyFile, `k${Date.now() - 3 * DAY}:${randomBytes(32).toString("base64")}\n`, { mode: 0o600 });
  const env = { AIRLOCK_DATA_DIR: path.join(dir, "cli"), AIRLOCK_MASTER_KEY_FILE: keyFile };
  expect(runCli(["migrate", "up"], env).status).toBe(0);
  const human = runCli(["compliance", "check"], env);
  expect(human.status).toBe(1);
  expect(human.stdout).toMatch(/^FAIL\s+Production mode\s+Airlock runs in dev mode/m);
  expect(human.stdout).toMatch(/^WARN\s+Agent network allowlist\s+6 ranges, widest 127\.0\.0\.0\/8 and fc00::\/7, 34668544 IPv4 addresses: wider than a \/16/m);
  expect(human.stdout).toMatch(/^ok\s+Master key rotation age\s+The current master key k\d+ is 3 days old\./m);
  const json = runCli(["compliance", "check", "--json"], env);
  expect(json.status).toBe(1);
  const report = JSON.parse(json.stdout) as { ok: boolean; checks: { id: string; status: string }[] };
  expect(report.ok).toBe(false);
  expect(report.checks.map((c) => c.id)).toEqual(["production-mode", "agent-allowlist", "tls-database", "tls-key-vault", "tls-redis", "audit-chain", "backup-age-main", "backup-age-vault", "key-rotation-age"]);
}, 60_000);
