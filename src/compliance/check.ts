import type { Kysely } from "kysely";
import { verifyAudit } from "../audit/trail.js";
import { lastBackupSuccess } from "../backup/backup-record.js";
import { connectionSecurity } from "../config/operator-connection-rules.js";
import type { Config } from "../config/schema.js";
import type { Database } from "../storage/schema.js";
import { allowlistWidth } from "./allowlist-width.js";

// `airlock compliance check`: the running configuration measured against what the compliance
// pack promises. Each check says pass, warn or fail with a sentence; any fail fails the command.

export type CheckStatus = "pass" | "warn" | "fail";

export interface CheckResult {
  readonly id: string;
  readonly title: string;
  readonly status: CheckStatus;
  readonly detail: string;
  readonly value: unknown;
}

export interface CheckInput {
  readonly config: Config;
  readonly agentAllowlist: readonly string[];
  readonly db: Kysely<Database>;
  /** The current master key id (the last of the ring). */
  readonly currentKeyId: string;
  readonly now: number;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** The runbook's alert threshold: a daily backup plus two hours. */
export const MAX_BACKUP_AGE_HOURS = 26;
/** The runbook rotates monthly; a key older than this is overdue. */
export const MAX_KEY_AGE_DAYS = 35;
/** An IPv4 allowlist wider than this many addresses (a /16) deserves a look. */
const WIDE_IPV4 = 65_536;

export async function runComplianceChecks(input: CheckInput): Promise<CheckResult[]> {
  return [productionMode(input.config), allowlist(input.agentAllowlist), ...transport(input.config), await auditChain(input.db), ...(await backupAge(input.db, input.now)), keyRotation(input.currentKeyId, input.now)];
}

function productionMode(c: Config): CheckResult {
  const ok = c.mode === "production";
  return { id: "production-mode", title: "Production mode", status: ok ? "pass" : "fail", value: c.mode, detail: ok ? "Airlock runs in production mode." : "Airlock runs in dev mode (demo IdP, generated keys allowed); set mode=production." };
}

function allowlist(cidrs: readonly string[]): CheckResult {
  const w = allowlistWidth(cidrs);
  const widest = [w.widestIpv4, w.widestIpv6].filter(Boolean).join(" and ") || "none";
  const base = `${w.ranges} ranges, widest ${widest}, ${w.ipv4Addresses} IPv4 addresses`;
  if (w.everything.length > 0) return { id: "agent-allowlist", title: "Agent network allowlist", status: "fail", value: w, detail: `${base}: ${w.everything.join(", ")} admits every address; narrow it to your office and VPN ranges (policies/network.yaml).` };
  const wide = w.ipv4Addresses > WIDE_IPV4 || (w.ipv6WidestBits ?? 0) > 80;
  return { id: "agent-allowlist", title: "Agent network allowlist", status: wide ? "warn" : "pass", value: w, detail: wide ? `${base}: wider than a /16 (IPv4) or a /48 (IPv6); narrow it to your office and VPN ranges.` : `${base}.` };
}

function transport(c: Config): CheckResult[] {
  const security = connectionSecurity(c);
  const one = (id: string, title: string, key: string, absent: string, optOut: boolean): CheckResult => {
    const mode = security[key];
    if (mode === undefined) return { id, title, status: "pass", value: "not configured", detail: absent };
    if (mode === "tls:verify-full") return { id, title, status: "pass", value: mode, detail: "TLS with a verified certificate and host name." };
    return { id, title, status: "fail", value: mode, detail: `${mode === "plaintext" ? "Not encrypted" : `TLS without full verification (${mode})`}${optOut ? ", accepted by the explicit opt-out" : ""}: use TLS with a verified certificate.` };
  };
  return [
    one("tls-database", "TLS to PostgreSQL (main database)", "database", "Not configured: the main database is a local SQLite file (no network connection).", c.allowInsecureDatabaseConnection),
    one("tls-key-vault", "TLS to PostgreSQL (key vault)", "keyVault", "Not configured: the key vault is a local SQLite file (no network connection).", c.allowInsecureDatabaseConnection),
    one("tls-redis", "TLS to Redis", "redis", "Not configured: no Redis (a single replica needs none).", c.allowInsecureRedisConnection),
  ];
}

async function auditChain(db: Kysely<Database>): Promise<CheckResult> {
  const r = await verifyAudit(db);
  return r.ok
    ? { id: "audit-chain", title: "Audit chain", status: "pass", value: r, detail: `Intact: ${r.entries} entries, head #${r.headSeq}.` }
    : { id: "audit-chain", title: "Audit chain", status: "fail", value: r, detail: `Broken at entry ${r.brokenAt}: ${r.reason}. Start the breach runbook.` };
}

async function backupAge(db: Kysely<Database>, now: number): Promise<CheckResult[]> {
  const last = await lastBackupSuccess(db);
  return (["main", "vault"] as const).map((database) => {
    const id = `backup-age-${database}`;
    const title = `Backup age (${database} database)`;
    const at = last[database];
    if (at === undefined) return { id, title, status: "fail", value: null, detail: "No successful backup is recorded: enable the chart's backup CronJob (backup.enabled) or run `airlock backup run`." };
    const hours = Math.floor((now - at) / HOUR);
    const ok = now - at <= MAX_BACKUP_AGE_HOURS * HOUR;
    return { id, title, status: ok ? "pass" : "fail", value: { lastSuccess: new Date(at).toISOString(), ageHours: hours }, detail: `Last successful backup ${new Date(at).toISOString()} (${hours} hours ago)${ok ? "." : `: older than ${MAX_BACKUP_AGE_HOURS} hours.`}` };
  });
}

function keyRotation(keyId: string, now: number): CheckResult {
  const id = "key-rotation-age";
  const title = "Master key rotation age";
  // `airlock keys rotate` names keys k<epoch ms> (src/crypto/key-file.ts); other ids carry no date.
  const m = /^k(\d{12,14})(?:-\d+)?$/.exec(keyId);
  if (!m) return { id, title, status: "warn", value: { keyId, ageDays: null }, detail: `The current master key ${keyId} was not made by \`airlock keys rotate\`, so its age is unknown; rotate monthly (compliance/backup-restore-runbook.md).` };
  const created = Number(m[1]);
  const days = Math.floor((now - created) / DAY);
  const ok = days <= MAX_KEY_AGE_DAYS;
  return { id, title, status: ok ? "pass" : "warn", value: { keyId, createdAt: new Date(created).toISOString(), ageDays: days }, detail: `The current master key ${keyId} is ${days} days old${ok ? "." : `: older than ${MAX_KEY_AGE_DAYS} days; run \`airlock keys rotate\`.`}` };
}
