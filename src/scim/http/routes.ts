import type { RouteDef } from "../../http/route.js";
import { discoveryRoutes } from "./discovery-routes.js";
import { groupRoutes } from "./group-routes.js";
import { userRoutes } from "./user-routes.js";

/** Every SCIM 2.0 endpoint (docs/scim.md); authenticated by an IdP's bearer token, not a login session. */
export const scimRoutes: readonly RouteDef<unknown>[] = [...discoveryRoutes, ...userRoutes, ...groupRoutes];
