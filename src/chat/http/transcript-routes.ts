import { z } from "zod";
import { cobrowseEventsOf } from "../cobrowse-timeline.js";
import { AirlockError } from "../../errors.js";
import { defineRoute, pathParam } from "../../http/route.js";
import { parseQuery } from "../../http/query.js";
import { principalFromState } from "../../policy/principal.js";
import { visitorPseudonym } from "../../presence/pseudonym.js";
import { participantsOf, readTranscript, searchConversations } from "../transcripts.js";
import { agentId, conversationId, limit, siteId, time, visitorId } from "./query-fields.js";

const searchQuery = z
  .strictObject({
    site: siteId.optional(),
    agent: agentId.optional(),
    agentName: z.string().trim().min(1).max(120).optional(),
    visitor: visitorId.optional(),
    from: time.optional(),
    to: time.optional(),
    limit: limit.optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, { path: ["to"], message: "must be later than from" });

/**
 * GET /api/v1/transcripts: auditors find conversations by site, agent (id or part of the name),
 * visitor id and date. Metadata only: nothing is decrypted to answer a search. Each result names
 * the visitor by pseudonym, the site by name and the agents who took part; `sites` lists the
 * registered sites for the filter.
 */
export const searchTranscripts = defineRoute({
  method: "GET",
  path: "/api/v1/transcripts",
  access: { action: "chatlog:read" },
  handler: async (ctx, { storage, policy }) => {
    const q = parseQuery(ctx.querystring, searchQuery);
    const found = await searchConversations(storage.db, {
      ...(q.site ? { siteId: q.site } : {}),
      ...(q.agent ? { agentId: q.agent } : {}),
      ...(q.visitor ? { visitorId: q.visitor } : {}),
      ...(q.agentName ? { agentName: q.agentName } : {}),
      ...(q.from !== undefined ? { from: q.from } : {}),
      ...(q.to !== undefined ? { to: q.to } : {}),
      limit: q.limit ?? 100,
    });
    const sites = Object.entries(policy.policy.sites.sites).map(([id, site]) => ({ id, name: site.name }));
    const siteName = new Map(sites.map((site) => [site.id, site.name]));
    const people = await participantsOf(storage.db, found.map((c) => c.id));
    ctx.set("Cache-Control", "no-store");
    ctx.body = {
      sites,
      conversations: found.map((c) => ({
        ...c,
        visitorName: visitorPseudonym(c.visitorId),
        siteName: siteName.get(c.siteId) ?? c.siteId,
        agents: [...new Set((people.get(c.id) ?? []).map((p) => p.name))],
      })),
    };
  },
});

/** GET /api/v1/transcripts/:id: one transcript, decrypted; the read is audited in the same transaction. */
export const readTranscriptRoute = defineRoute({
  method: "GET",
  path: "/api/v1/transcripts/:id",
  access: { action: "chatlog:read" },
  handler: async (ctx, { storage, chat, policy }) => {
    const parsed = conversationId.safeParse(pathParam(ctx, "id"));
    if (!parsed.success) throw new AirlockError("bad_request", "not a conversation id");
    const reader = principalFromState(ctx.state);
    if (!reader) throw new AirlockError("unauthenticated", "sign in first");
    const transcript = await readTranscript(storage.db, chat.keys, parsed.data, { agentId: reader.subject, ...(ctx.ip ? { sourceAddress: ctx.ip } : {}) });
    ctx.set("Cache-Control", "no-store");
    const siteName = policy.policy.sites.sites[transcript.conversation.siteId]?.name ?? transcript.conversation.siteId;
    const cobrowse = await cobrowseEventsOf(storage.db, transcript.conversation);
    ctx.body = { ...transcript, cobrowse, visitorName: visitorPseudonym(transcript.conversation.visitorId), siteName };
  },
});
