import type { RouteDef } from "../../http/route.js";
import { groupSchema, userSchema, type AttributeDef, type ResourceSchema } from "../filter/attributes.js";
import { MAX_PATCH_OPERATIONS } from "../patch.js";
import { LIST_SCHEMA, respond } from "./respond.js";
import { MAX_PAGE } from "./list-query.js";
import { scimRoute } from "./scim-route.js";

// Discovery (RFC 7644 §4): what this service provider supports, so an IdP can adapt.

const serviceProviderConfig = (base: string) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"],
  documentationUri: "https://github.com/airlock/airlock/blob/main/docs/scim.md",
  patch: { supported: true },
  bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
  filter: { supported: true, maxResults: MAX_PAGE },
  changePassword: { supported: false },
  sort: { supported: false },
  etag: { supported: true },
  authenticationSchemes: [
    { type: "oauthbearertoken", name: "Bearer token", description: `One token per identity provider, created with bin/airlock scim token create. PATCH takes up to ${MAX_PATCH_OPERATIONS} operations.`, primary: true },
  ],
  meta: { resourceType: "ServiceProviderConfig", location: `${base}/ServiceProviderConfig` },
});

const resourceType = (schema: ResourceSchema, base: string) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:ResourceType"],
  id: schema.resource,
  name: schema.resource,
  endpoint: `/${schema.resource}s`,
  schema: schema.schemaUrn,
  meta: { resourceType: "ResourceType", location: `${base}/ResourceTypes/${schema.resource}` },
});

function describe(attr: AttributeDef): Record<string, unknown> {
  return {
    name: attr.name,
    type: attr.type,
    multiValued: attr.multiValued === true,
    required: attr.name === "userName",
    caseExact: attr.caseExact === true,
    mutability: attr.readOnly ? "readOnly" : "readWrite",
    returned: "default",
    uniqueness: attr.name === "userName" || attr.name === "id" ? "server" : "none",
    ...(attr.subAttributes ? { subAttributes: attr.subAttributes.map(describe) } : {}),
  };
}

const schemaResource = (schema: ResourceSchema, base: string) => ({
  schemas: ["urn:ietf:params:scim:schemas:core:2.0:Schema"],
  id: schema.schemaUrn,
  name: schema.resource,
  attributes: schema.attributes.filter((a) => a.name !== "id" && a.name !== "meta").map(describe),
  meta: { resourceType: "Schema", location: `${base}/Schemas/${schema.schemaUrn}` },
});

const list = (resources: unknown[]) => ({ schemas: [LIST_SCHEMA], totalResults: resources.length, startIndex: 1, itemsPerPage: resources.length, Resources: resources });

export const discoveryRoutes: readonly RouteDef<unknown>[] = [
  scimRoute("GET", "/scim/v2/ServiceProviderConfig", async (ctx, r) => respond(ctx, 200, serviceProviderConfig(r.rendering.base))),
  scimRoute("GET", "/scim/v2/ResourceTypes", async (ctx, r) => respond(ctx, 200, list([userSchema, groupSchema].map((s) => resourceType(s, r.rendering.base))))),
  scimRoute("GET", "/scim/v2/Schemas", async (ctx, r) => respond(ctx, 200, list([userSchema, groupSchema].map((s) => schemaResource(s, r.rendering.base))))),
];
