import { z } from "zod";
import { findAgent } from "../../auth/agents.js";
import { AirlockError } from "../../errors.js";
import type { Services } from "../../http/context.js";
import { defineRoute, pathParam, type RouteContext } from "../../http/route.js";
import { principalFromState } from "../../policy/principal.js";
import { allCannedResponses, cannedResponsesFor, createCannedResponse, updateCannedResponse } from "../canned-responses.js";
import { cleanMessageText } from "../message-text.js";
import { conversationId } from "./query-fields.js";

const content = { title: z.string().trim().min(1).max(120), body: z.string().min(1).max(2_000) };
/** A team is an IdP group name, or `*` for every agent. */
const team = z.string().regex(/^(\*|[A-Za-z0-9._:@ -]{1,128})$/, "an IdP group name, or * for everyone");
const createBody = z.strictObject({ team, ...content });
const updateBody = z.strictObject(content);

/** The acting agent and the teams whose responses they see: their IdP groups at the last login, and `*`. */
async function actorTeams(ctx: RouteContext<unknown>, { storage }: Services): Promise<{ agentId: string; teams: readonly string[] }> {
  const p = principalFromState(ctx.state);
  if (!p) throw new AirlockError("unauthenticated", "sign in first");
  const agent = await findAgent(storage.db, p.subject);
  return { agentId: p.subject, teams: [...(agent?.groups ?? []), EVERYONE] };
}

const EVERYONE = "*";

function idParam(ctx: RouteContext<unknown>): string {
  const parsed = conversationId.safeParse(pathParam(ctx, "id"));
  if (!parsed.success) throw new AirlockError("bad_request", "not a canned response id");
  return parsed.data;
}

/** GET /api/v1/chat/canned-responses: the responses of the agent's teams. */
export const listCanned = defineRoute({
  method: "GET",
  path: "/api/v1/chat/canned-responses",
  access: { action: "chat:handle" },
  handler: async (ctx, services) => {
    const { teams } = await actorTeams(ctx, services);
    ctx.body = { responses: await cannedResponsesFor(services.storage.db, teams) };
  },
});

/** GET /api/v1/chat/canned-responses/all: every team's responses, for the supervisors' page that manages them. */
export const listAllCanned = defineRoute({
  method: "GET",
  path: "/api/v1/chat/canned-responses/all",
  access: { action: "chat:supervise" },
  handler: async (ctx, { storage }) => {
    ctx.set("Cache-Control", "no-store");
    ctx.body = { responses: await allCannedResponses(storage.db) };
  },
});

/** POST /api/v1/chat/canned-responses: supervisors add a response for a team (chat:supervise covers every team). */
export const createCanned = defineRoute({
  method: "POST",
  path: "/api/v1/chat/canned-responses",
  access: { action: "chat:supervise" },
  body: createBody,
  handler: async (ctx, services) => {
    const { agentId } = await actorTeams(ctx, services);
    ctx.status = 201;
    ctx.body = await createCannedResponse(services.storage.db, { team: ctx.input.team, title: ctx.input.title, body: cleanMessageText(ctx.input.body) }, agentId, Date.now());
  },
});

export const updateCanned = defineRoute({
  method: "PUT",
  path: "/api/v1/chat/canned-responses/:id",
  access: { action: "chat:supervise" },
  body: updateBody,
  handler: async (ctx, services) => {
    const { agentId } = await actorTeams(ctx, services);
    await updateCannedResponse(services.storage.db, idParam(ctx), { title: ctx.input.title, body: cleanMessageText(ctx.input.body) }, agentId, Date.now());
    ctx.status = 204;
  },
});

export const deleteCanned = defineRoute({
  method: "DELETE",
  path: "/api/v1/chat/canned-responses/:id",
  access: { action: "chat:supervise" },
  handler: async (ctx, services) => {
    const { agentId } = await actorTeams(ctx, services);
    await updateCannedResponse(services.storage.db, idParam(ctx), "delete", agentId, Date.now());
    ctx.status = 204;
  },
});
