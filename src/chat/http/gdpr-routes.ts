import { z } from "zod";
import { AirlockError } from "../../errors.js";
import { defineRoute } from "../../http/route.js";
import { principalFromState } from "../../policy/principal.js";
import { eraseVisitor, exportVisitor } from "../gdpr.js";
import { siteId, visitorId } from "./query-fields.js";

/** A visit by its per-visit id, or a customer the site verified, by site and customer id (src/visitor-identity). */
const visitorBody = z.union([z.strictObject({ visitor: visitorId }), z.strictObject({ site: siteId, customer: z.string().min(1).max(128) })]);
const subjectOf = (input: z.output<typeof visitorBody>) => ("visitor" in input ? input.visitor : { siteId: input.site, customerId: input.customer });

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
    ctx.body = await exportVisitor(storage.db, chat.keys, subjectOf(ctx.input), `agent:${actor.subject}`, Date.now(), ctx.ip || undefined);
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
    ctx.body = await eraseVisitor(storage.db, chat.keys, subjectOf(ctx.input), `agent:${actor.subject}`);
  },
});
