import { pathParam, type RouteDef } from "../../http/route.js";
import { groupSchema } from "../filter/attributes.js";
import { ScimGroups } from "../groups.js";
import { patchRequest, parseBody } from "../input.js";
import { endSessionsOfDemoted } from "./deprovision.js";
import { listResponse, project, readListQuery } from "./list-query.js";
import { respond } from "./respond.js";
import { scimRoute, type ScimRequest } from "./scim-route.js";

const groups = (r: ScimRequest) => new ScimGroups(r.services.storage.db, r.actor, r.rendering, r.services.identity.now);

export const groupRoutes: readonly RouteDef<unknown>[] = [
  scimRoute("GET", "/scim/v2/Groups", async (ctx, r) => {
    const q = readListQuery(ctx, groupSchema);
    const withMembers = q.attributes ? q.attributes.includes("members") : !q.excluded.includes("members");
    respond(ctx, 200, listResponse(await groups(r).list(q.filter, withMembers), q));
  }),
  scimRoute("POST", "/scim/v2/Groups", async (ctx, r) => {
    const written = await groups(r).create((ctx.request as { body?: unknown }).body);
    await endSessionsOfDemoted(r, written.changes);
    ctx.set("Location", String((written.resource.meta as { location: string }).location));
    respond(ctx, 201, written.resource, written.version);
  }),
  scimRoute("GET", "/scim/v2/Groups/:id", async (ctx, r) => {
    const q = readListQuery(ctx, groupSchema);
    const withMembers = q.attributes ? q.attributes.includes("members") : !q.excluded.includes("members");
    const found = await groups(r).get(pathParam(ctx, "id"), withMembers);
    respond(ctx, 200, project(found.resource, q), found.version);
  }),
  scimRoute("PUT", "/scim/v2/Groups/:id", async (ctx, r) => {
    const written = await groups(r).replace(pathParam(ctx, "id"), (ctx.request as { body?: unknown }).body);
    await endSessionsOfDemoted(r, written.changes);
    respond(ctx, 200, written.resource, written.version);
  }),
  scimRoute("PATCH", "/scim/v2/Groups/:id", async (ctx, r) => {
    const { Operations } = parseBody(patchRequest, (ctx.request as { body?: unknown }).body);
    const written = await groups(r).patch(pathParam(ctx, "id"), Operations);
    await endSessionsOfDemoted(r, written.changes);
    respond(ctx, 200, written.resource, written.version);
  }),
  scimRoute("DELETE", "/scim/v2/Groups/:id", async (ctx, r) => {
    await endSessionsOfDemoted(r, await groups(r).delete(pathParam(ctx, "id")));
    ctx.status = 204;
  }),
];
