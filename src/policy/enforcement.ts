import type { RouteDef } from "../http/route.js";
import { isAction } from "./actions.js";
import { routeKey } from "./public-routes.js";

/**
 * Routes that would not be guarded as intended: an access rule that is neither public nor a known
 * action, or a public route that is not listed (with its reason) in public-routes.ts.
 */
export function routeAccessProblems(routes: readonly RouteDef<unknown>[], publicList: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  for (const route of routes) {
    const key = routeKey(route.method, route.path);
    const access: unknown = route.access;
    if (access !== null && typeof access === "object" && "public" in access && access.public === true) {
      if (!Object.hasOwn(publicList, key)) problems.push(`${key}: public but not listed in src/policy/public-routes.ts`);
    } else if (access === null || typeof access !== "object" || !("action" in access) || !isAction(access.action)) {
      problems.push(`${key}: no policy action`);
    }
  }
  return problems;
}
