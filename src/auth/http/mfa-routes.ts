import QRCode from "qrcode";
import { z } from "zod";
import { AirlockError } from "../../errors.js";
import { defineRoute, type RouteContext } from "../../http/route.js";
import type { Services } from "../../http/context.js";
import { findAgent } from "../agents.js";
import { sessionCookie } from "../cookies.js";
import type { StoredSession } from "../session-store.js";
import { activeSession, pendingSession } from "./session-guards.js";

/** The name authenticator apps show for the account. */
const totpIssuer = (publicUrl: string) => `Airlock (${new URL(publicUrl).host})`;

const codeBody = z.object({ code: z.string().trim().min(6).max(32) }).strict();

/** Second factor satisfied: the session gets a new id (the pre-MFA id stops working). */
async function completeMfa(ctx: RouteContext, { identity }: Services, session: StoredSession): Promise<void> {
  const rotated = await identity.sessions.rotate(session.ref, { state: "active", reauthenticated: true }, { event: "auth.mfa.success", agentId: session.agentId });
  ctx.append("Set-Cookie", sessionCookie(rotated.token));
}

/** POST /api/v1/mfa/enrollment: a new TOTP secret for an agent without one (secret shown once). */
export const beginEnrollment = defineRoute({
  method: "POST",
  path: "/api/v1/mfa/enrollment",
  access: { action: "mfa:manage" },
  handler: async (ctx, { identity, storage, config }) => {
    const session = pendingSession(ctx.state);
    const agent = await findAgent(storage.db, session.agentId);
    if (!agent) throw new AirlockError("unauthenticated", "sign in first");
    const enrollment = await identity.totp.beginEnrollment(agent.id, agent.email ?? agent.name, totpIssuer(config.publicUrl));
    ctx.body = { secret: enrollment.secret, otpauthUri: enrollment.otpauthUri, qrCodeUrl: "/api/v1/mfa/enrollment/qr" };
  },
});

/** GET /api/v1/mfa/enrollment/qr: the pending enrollment's otpauth URI as an SVG QR code. */
export const enrollmentQr = defineRoute({
  method: "GET",
  path: "/api/v1/mfa/enrollment/qr",
  access: { action: "mfa:manage" },
  handler: async (ctx, { identity, storage, config }) => {
    const session = pendingSession(ctx.state);
    const agent = await findAgent(storage.db, session.agentId);
    const uri = agent && (await identity.totp.pendingUri(agent.id, agent.email ?? agent.name, totpIssuer(config.publicUrl)));
    if (!uri) throw new AirlockError("not_found", "no enrollment in progress");
    ctx.type = "image/svg+xml; charset=utf-8";
    ctx.set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'");
    ctx.body = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  },
});

/** POST /api/v1/mfa/enrollment/confirm: the first code proves the app works; returns recovery codes. */
export const confirmEnrollment = defineRoute({
  method: "POST",
  path: "/api/v1/mfa/enrollment/confirm",
  access: { action: "mfa:manage" },
  body: codeBody,
  handler: async (ctx, services) => {
    const session = pendingSession(ctx.state);
    const recoveryCodes = await services.identity.totp.confirmEnrollment(session.agentId, ctx.input.code);
    await completeMfa(ctx, services, session);
    ctx.body = { recoveryCodes };
  },
});

/** POST /api/v1/mfa/challenge: an enrolled agent proves the second factor. */
export const challenge = defineRoute({
  method: "POST",
  path: "/api/v1/mfa/challenge",
  access: { action: "mfa:manage" },
  body: codeBody,
  handler: async (ctx, services) => {
    const session = pendingSession(ctx.state);
    await services.identity.totp.verifyEnrolled(session.agentId, ctx.input.code);
    await completeMfa(ctx, services, session);
    ctx.body = { ok: true };
  },
});

/** POST /api/v1/mfa/recovery: a one-time recovery code instead of a TOTP code. */
export const recovery = defineRoute({
  method: "POST",
  path: "/api/v1/mfa/recovery",
  access: { action: "mfa:manage" },
  body: codeBody,
  handler: async (ctx, services) => {
    const session = pendingSession(ctx.state);
    if ((await services.identity.totp.status(session.agentId)) !== "enrolled") throw new AirlockError("conflict", "no second factor is enrolled");
    await services.identity.totp.useRecoveryCode(session.agentId, ctx.input.code);
    await completeMfa(ctx, services, session);
    ctx.body = { ok: true, remaining: await services.identity.totp.remainingRecoveryCodes(session.agentId) };
  },
});

/**
 * POST /api/v1/me/mfa/reset and /recovery-codes: changing the factor needs re-authentication —
 * a current TOTP code in the request — so a hijacked session alone cannot replace it.
 */
export const resetMfa = defineRoute({
  method: "POST",
  path: "/api/v1/me/mfa/reset",
  access: { action: "mfa:manage" },
  body: codeBody,
  handler: async (ctx, { identity }) => {
    const session = activeSession(ctx.state);
    await identity.totp.verifyEnrolled(session.agentId, ctx.input.code);
    await identity.totp.reset(session.agentId);
    const rotated = await identity.sessions.rotate(session.ref, { state: "pending_mfa" });
    ctx.append("Set-Cookie", sessionCookie(rotated.token));
    ctx.body = { redirect: "/console/mfa" };
  },
});

export const regenerateRecoveryCodes = defineRoute({
  method: "POST",
  path: "/api/v1/me/recovery-codes",
  access: { action: "mfa:manage" },
  body: codeBody,
  handler: async (ctx, { identity }) => {
    const session = activeSession(ctx.state);
    await identity.totp.verifyEnrolled(session.agentId, ctx.input.code);
    await identity.sessions.markReauthenticated(session.ref);
    ctx.body = { recoveryCodes: await identity.totp.replaceRecoveryCodes(session.agentId) };
  },
});
