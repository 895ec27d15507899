import { pathParam, type RouteDef } from "../../http/route.js";
import { userSchema } from "../filter/attributes.js";
import { patchRequest, parseBody } from "../input.js";
import { ScimUsers } from "../users.js";
import { endAgentSessions } from "./deprovision.js";
import { listResponse, project, readListQuery } from "./list-query.js";
import { respond } from "./respond.js";
import { scimRoute, type ScimRequest } from "./scim-route.js";

const users = (r: ScimRequest) => new ScimUsers(r.services.storage.db, r.actor, r.rendering, r.services.identity.now);

export const userRoutes: readonly RouteDef<unknown>[] = [
  scimRoute("GET", "/scim/v2/Users", async (ctx, r) => {
    const q = readListQuery(ctx, userSchema);
    respond(ctx, 200, listResponse(await users(r).list(q.filter), q));
  }),
  scimRoute("POST", "/scim/v2/Users", async (ctx, r) => {
    const written = await users(r).create((ctx.request as { body?: unknown }).body);
    await endAgentSessions(r, written.revokeAgent);
    ctx.set("Location", String(written.resource.meta && (written.resource.meta as { location: string }).location));
    respond(ctx, 201, written.resource, written.version);
  }),
  scimRoute("GET", "/scim/v2/Users/:id", async (ctx, r) => {
    const q = readListQuery(ctx, userSchema);
    const found = await users(r).get(pathParam(ctx, "id"));
    respond(ctx, 200, project(found.resource, q), found.version);
  }),
  scimRoute("PUT", "/scim/v2/Users/:id", async (ctx, r) => {
    const written = await users(r).replace(pathParam(ctx, "id"), (ctx.request as { body?: unknown }).body);
    await endAgentSessions(r, written.revokeAgent);
    respond(ctx, 200, written.resource, written.version);
  }),
  scimRoute("PATCH", "/scim/v2/Users/:id", async (ctx, r) => {
    const { Operations } = parseBody(patchRequest, (ctx.request as { body?: unknown }).body);
    const written = await users(r).patch(pathParam(ctx, "id"), Operations);
    await endAgentSessions(r, written.revokeAgent);
    respond(ctx, 200, written.resource, written.version);
  }),
  scimRoute("DELETE", "/scim/v2/Users/:id", async (ctx, r) => {
    const { revokeAgent } = await users(r).delete(pathParam(ctx, "id"));
    await endAgentSessions(r, revokeAgent);
    ctx.status = 204;
  }),
];
