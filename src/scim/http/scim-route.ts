import { AirlockError } from "../../errors.js";
import type { Services } from "../../http/context.js";
import { defineRoute, type HttpMethod, type RouteContext, type RouteDef } from "../../http/route.js";
import type { ScimActor } from "../audit.js";
import { ScimError } from "../errors.js";
import { idpOfToken } from "../idp-tokens.js";
import type { Rendering } from "../resources.js";
import { respondError } from "./respond.js";

export interface ScimRequest {
  readonly actor: ScimActor;
  readonly rendering: Rendering;
  readonly services: Services;
}

const writes: ReadonlySet<HttpMethod> = new Set(["POST", "PUT", "PATCH"]);

/**
 * A SCIM endpoint. SCIM is not an agent surface: it answers the IdP's bearer token, not a login
 * session, so the route is public to the policy guard (listed in src/policy/public-routes.ts)
 * and this wrapper authenticates instead: a wrong or missing token is a bare 401. Bodies must be
 * application/scim+json (or application/json); every failure is a SCIM error body.
 */
export function scimRoute(method: HttpMethod, path: string, handler: (ctx: RouteContext, request: ScimRequest) => Promise<void>): RouteDef<unknown> {
  return defineRoute({
    method,
    path,
    access: { public: true },
    handler: async (ctx, services) => {
      try {
        const idp = await idpOfToken(services.storage.db, ctx.get("authorization") || undefined);
        if (!idp) throw new ScimError(401, "authentication required");
        if (writes.has(method) && !ctx.is("application/scim+json", "application/json")) {
          throw new ScimError(415, "the request body must be application/scim+json");
        }
        const rendering = { base: new URL("/scim/v2", services.config.publicUrl).href };
        await handler(ctx, { actor: { idp, sourceAddress: ctx.ip || null }, rendering, services });
      } catch (thrown) {
        if (thrown instanceof ScimError) return respondError(ctx, thrown);
        // Anything else is a fault of Airlock: the error middleware logs it and answers a SCIM 500.
        throw thrown instanceof AirlockError ? thrown : new AirlockError("internal", "SCIM request failed", { cause: thrown });
      }
    },
  });
}
