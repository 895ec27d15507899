import { z } from "zod";
import { AirlockError } from "../../errors.js";
import { defineRoute } from "../../http/route.js";
import { principalFromState } from "../../policy/principal.js";
import { eraseVisitor, exportVisitor } from "../gdpr.js";
import { visitorId } from "./query-fields.js";

const visitorBody = z.strictObject({ visitor: visitorId });

/**
 * POST /api/v1/gdpr/export: everything stored about a visitor, as JSON. It returns message text,
 * so it needs chatlog:read like any transcript read (trusted personnel; admin is not a
 * super-user), and each conversation it returns is audited as a read.
 */
export const gdprExport = defineRoute({
  method: "POST",
  path: "/api/v1/gdpr/export",
  access: { action: "chatlog:read" },
  body: visitorBody,
  handler: async (ctx, { storage, chat }) => {
    const actor = principalFromState(ctx.state);
    if (!actor) throw new AirlockError("unauthenticated", "sign in first");
    ctx.set("Cache-Control", "no-store");
    ctx.body = await exportVisitor(storage.db, chat.keys, ctx.input.visitor, `agent:${actor.subject}`, Date.now(), ctx.ip || undefined);
  },
});

/** POST /api/v1/gdpr/erase: crypto-shreds the visitor's data keys, then deletes their rows (audited). */
export const gdprErase = defineRoute({
  method: "POST",
  path: "/api/v1/gdpr/erase",
  access: { action: "chatlog:erase" },
  body: visitorBody,
  handler: async (ctx, { storage, chat }) => {
    const actor = principalFromState(ctx.state);
    if (!actor) throw new AirlockError("unauthenticated", "sign in first");
    ctx.body = await eraseVisitor(storage.db, chat.keys, ctx.input.visitor, `agent:${actor.subject}`);
  },
});
