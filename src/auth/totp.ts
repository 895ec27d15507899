import { createHash, randomBytes } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import { generateSecret, generateURI, verify } from "otplib";
import { AirlockError } from "../errors.js";
import type { Database } from "../storage/schema.js";
import type { IdentityAudit } from "./audit.js";
import type { MfaRules } from "./identity-policy.js";
import type { SecretBox } from "./secret-box.js";
import type { Clock } from "./session-store.js";

const periodSeconds = 30;
/** One step either side: a code from the previous or next 30-second window is still accepted. */
const toleranceSeconds = periodSeconds;
const secretBytes = 20;
const recoveryCodeCount = 10;

export interface Enrollment {
  /** Base32 secret for manual entry; shown once, at enrollment. */
  readonly secret: string;
  readonly otpauthUri: string;
}

const aad = (agentId: string) => `totp:${agentId}`;

export function hashRecoveryCode(agentId: string, code: string): string {
  return createHash("sha256").update(`${agentId}:${code.replace(/[\s-]/g, "").toUpperCase()}`).digest("hex");
}

/**
 * TOTP second factor: enrollment, verification with replay protection (each time step is
 * accepted once, enforced by a conditional UPDATE), failure counting with exponential lockout,
 * and one-time recovery codes stored hashed.
 */
export class TotpService {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly box: SecretBox,
    private readonly rules: () => MfaRules,
    private readonly audit: IdentityAudit,
    private readonly now: Clock,
  ) {}

  async status(agentId: string): Promise<"none" | "pending" | "enrolled"> {
    const row = await this.db.selectFrom("agent_totp").select("confirmed_at").where("agent_id", "=", agentId).executeTakeFirst();
    if (!row) return "none";
    return row.confirmed_at === null ? "pending" : "enrolled";
  }

  /** Starts (or restarts) an unconfirmed enrollment. Refused when a confirmed factor exists. */
  async beginEnrollment(agentId: string, label: string, issuer: string): Promise<Enrollment> {
    if ((await this.status(agentId)) === "enrolled") throw new AirlockError("conflict", "a second factor is already enrolled");
    const secret = generateSecret({ length: secretBytes });
    const sealed = this.box.seal(new TextEncoder().encode(secret), aad(agentId));
    const t = this.now();
    const values = { secret_box: sealed.box, key_id: sealed.keyId, confirmed_at: null, last_step: 0, failures: 0, lockouts: 0, locked_until: 0, created_at: t };
    await this.db
      .insertInto("agent_totp")
      .values({ agent_id: agentId, ...values })
      .onConflict((oc) => oc.column("agent_id").doUpdateSet(values))
      .execute();
    return { secret, otpauthUri: generateURI({ issuer, label, secret, period: periodSeconds }) };
  }

  /** The otpauth URI of an enrollment still awaiting its first code (for the QR code). */
  async pendingUri(agentId: string, label: string, issuer: string): Promise<string | undefined> {
    const row = await this.db.selectFrom("agent_totp").selectAll().where("agent_id", "=", agentId).executeTakeFirst();
    if (!row || row.confirmed_at !== null) return undefined;
    const secret = new TextDecoder().decode(this.box.open({ keyId: row.key_id, box: row.secret_box }, aad(agentId)));
    return generateURI({ issuer, label, secret, period: periodSeconds });
  }

  /** Confirms enrollment with a first valid code and returns fresh recovery codes (shown once). */
  async confirmEnrollment(agentId: string, code: string): Promise<string[]> {
    const row = await this.db.selectFrom("agent_totp").selectAll().where("agent_id", "=", agentId).executeTakeFirst();
    if (!row || row.confirmed_at !== null) throw new AirlockError("conflict", "no enrollment is waiting for confirmation");
    await this.check(agentId, code);
    return this.db.transaction().execute(async (trx) => {
      await trx.updateTable("agent_totp").set({ confirmed_at: this.now() }).where("agent_id", "=", agentId).execute();
      const codes = await this.writeRecoveryCodes(trx, agentId);
      await this.audit(trx, { event: "auth.mfa.enrolled", agentId });
      return codes;
    });
  }

  /** Verifies a code for an enrolled factor (the MFA challenge and re-authentication). */
  async verifyEnrolled(agentId: string, code: string): Promise<void> {
    if ((await this.status(agentId)) !== "enrolled") throw new AirlockError("conflict", "no second factor is enrolled");
    await this.check(agentId, code);
  }

  /** Uses a recovery code once. Counts towards the same lockout as TOTP failures. */
  async useRecoveryCode(agentId: string, code: string): Promise<void> {
    await this.assertNotLocked(agentId);
    const used = await this.db
      .updateTable("agent_recovery_code")
      .set({ used_at: this.now() })
      .where("agent_id", "=", agentId)
      .where("code_hash", "=", hashRecoveryCode(agentId, code))
      .where("used_at", "is", null)
      .executeTakeFirst();
    if (Number(used.numUpdatedRows) !== 1) await this.fail(agentId, "recovery_code_invalid");
    await this.db.updateTable("agent_totp").set({ failures: 0 }).where("agent_id", "=", agentId).execute();
  }

  async remainingRecoveryCodes(agentId: string): Promise<number> {
    const row = await this.db
      .selectFrom("agent_recovery_code")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("agent_id", "=", agentId)
      .where("used_at", "is", null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async replaceRecoveryCodes(agentId: string): Promise<string[]> {
    return this.db.transaction().execute((trx) => this.writeRecoveryCodes(trx, agentId));
  }

  private async writeRecoveryCodes(trx: Transaction<Database>, agentId: string): Promise<string[]> {
    const codes = Array.from({ length: recoveryCodeCount }, newRecoveryCode);
    await trx.deleteFrom("agent_recovery_code").where("agent_id", "=", agentId).execute();
    await trx
      .insertInto("agent_recovery_code")
      .values(codes.map((c) => ({ agent_id: agentId, code_hash: hashRecoveryCode(agentId, c), used_at: null })))
      .execute();
    return codes;
  }

  /** Removes the factor and its recovery codes (the caller has re-authenticated). */
  async reset(agentId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await trx.deleteFrom("agent_recovery_code").where("agent_id", "=", agentId).execute();
      await trx.deleteFrom("agent_totp").where("agent_id", "=", agentId).execute();
      await this.audit(trx, { event: "auth.mfa.reset", agentId });
    });
  }

  private async check(agentId: string, code: string): Promise<void> {
    await this.assertNotLocked(agentId);
    const row = await this.db.selectFrom("agent_totp").selectAll().where("agent_id", "=", agentId).executeTakeFirstOrThrow();
    const secret = new TextDecoder().decode(this.box.open({ keyId: row.key_id, box: row.secret_box }, aad(agentId)));
    const token = code.replace(/\s/g, "");
    const result = /^\d{6}$/.test(token)
      ? await verify({ secret, token, period: periodSeconds, epoch: Math.floor(this.now() / 1000), epochTolerance: toleranceSeconds })
      : { valid: false as const };
    if (!result.valid || !("timeStep" in result)) return this.fail(agentId, "totp_invalid");
    // The conditional update is the replay guard: two requests racing with the same code
    // cannot both move last_step past this step.
    const accepted = await this.db
      .updateTable("agent_totp")
      .set({ last_step: result.timeStep, failures: 0 })
      .where("agent_id", "=", agentId)
      .where("last_step", "<", result.timeStep)
      .executeTakeFirst();
    if (Number(accepted.numUpdatedRows) !== 1) return this.fail(agentId, "totp_replayed");
  }

  private async assertNotLocked(agentId: string): Promise<void> {
    const row = await this.db.selectFrom("agent_totp").select("locked_until").where("agent_id", "=", agentId).executeTakeFirst();
    const until = Number(row?.locked_until ?? 0);
    if (until > this.now()) {
      throw new AirlockError("rate_limited", "too many failed attempts; try again later", {
        details: { reason: "mfa_locked", retryAfterSeconds: Math.ceil((until - this.now()) / 1000) },
      });
    }
  }

  /** Counts a failure (and locks the factor after too many), each with its audit entry in the same transaction. */
  private async fail(agentId: string, reason: "totp_invalid" | "totp_replayed" | "recovery_code_invalid"): Promise<never> {
    const rules = this.rules();
    const lockMs = await this.db.transaction().execute(async (trx) => {
      await trx.updateTable("agent_totp").set((eb) => ({ failures: eb("failures", "+", 1) })).where("agent_id", "=", agentId).execute();
      await this.audit(trx, { event: "auth.mfa.failure", agentId, reason });
      const row = await trx.selectFrom("agent_totp").select(["failures", "lockouts"]).where("agent_id", "=", agentId).executeTakeFirst();
      if (!row || row.failures < rules.maxFailures) return 0;
      const ms = Math.min(rules.lockoutBaseMs * 2 ** row.lockouts, rules.lockoutMaxMs);
      await trx
        .updateTable("agent_totp")
        .set({ failures: 0, lockouts: row.lockouts + 1, locked_until: this.now() + ms })
        .where("agent_id", "=", agentId)
        .execute();
      await this.audit(trx, { event: "auth.mfa.lockout", agentId, reason });
      return ms;
    });
    if (lockMs > 0) {
      throw new AirlockError("rate_limited", "too many failed attempts; try again later", {
        details: { reason: "mfa_locked", retryAfterSeconds: Math.ceil(lockMs / 1000) },
      });
    }
    throw new AirlockError("unauthenticated", reason === "totp_replayed" ? "this code was already used; wait for the next one" : "the code is not valid", {
      details: { reason },
    });
  }
}

// 32 symbols (no 0/O, 1/I): a byte modulo 32 is unbiased, so 16 symbols carry 80 bits.
const recoveryAlphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

function newRecoveryCode(): string {
  let out = "";
  for (const b of randomBytes(16)) out += recoveryAlphabet[b % recoveryAlphabet.length];
  return `${out.slice(0, 4)}-${out.slice(4, 8)}-${out.slice(8, 12)}-${out.slice(12, 16)}`;
}
