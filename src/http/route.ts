import type Router from "@koa/router";
import type { Middleware, ParameterizedContext } from "koa";
import type { z } from "zod";
import { AirlockError } from "../errors.js";
import type { Action } from "../policy/actions.js";
import type { PolicyContext } from "../policy/decision.js";
import type { RequestState, Services } from "./context.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * What a route needs before its handler runs. `public` routes answer anyone (health, the
 * landing page, CSP reports); every other route names a policy action, checked by the guard.
 */
export type RouteAccess =
  | { readonly public: true }
  | {
      readonly action: Action;
      /** Facts of this request the decision needs (assignment, site, granted mode…); the guard adds the principal and address. */
      readonly context?: (ctx: ParameterizedContext<RequestState>) => PolicyContext | Promise<PolicyContext>;
      /**
       * A list a console page refreshes while open: when the action is audited, an allowed read is
       * audited once per agent and route per window (denials every time), so polling cannot flood
       * the trail (src/policy/routine-reads.ts).
       */
      readonly routineRead?: true;
    };

export type RouteContext<Body = unknown> = ParameterizedContext<RequestState> & { readonly input: Body };

/** The value of the `:name` segment the router matched, or "" when the route has none by that name. */
export function pathParam(ctx: ParameterizedContext<RequestState>, name: string): string {
  // The router's params are typed `any`; they are strings, but read them as unknown all the same.
  const params: unknown = (ctx as { params?: unknown }).params;
  const value: unknown = typeof params === "object" && params !== null ? (params as Record<string, unknown>)[name] : undefined;
  return typeof value === "string" ? value : "";
}

export interface RouteDef<Body = unknown> {
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: RouteAccess;
  /** Request bodies are parsed by this schema at the edge; handlers only see typed input. */
  readonly body?: z.ZodType<Body>;
  // Method syntax on purpose: lets a RouteDef<SpecificBody> sit in a list of RouteDef<unknown>.
  handler(ctx: RouteContext<Body>, services: Services): Promise<void> | void;
}

export function defineRoute<Body = unknown>(def: RouteDef<Body>): RouteDef<Body> {
  return def;
}

/** Produces the middleware that enforces a route's access rule. */
export type AccessGuard = (route: RouteDef<unknown>) => Middleware<RequestState>;

export function mountRoutes(router: Router<RequestState>, routes: readonly RouteDef<unknown>[], services: Services, guard: AccessGuard): void {
  for (const route of routes) {
    const name: Middleware<RequestState> = async (ctx, next) => {
      ctx.state.routeName = route.path;
      await next();
    };
    const run: Middleware<RequestState> = async (ctx) => {
      let input: unknown = undefined;
      if (route.body) {
        if (!ctx.is("application/json", "application/*+json", "application/csp-report")) {
          throw new AirlockError("unsupported_media_type", "request body must be JSON (Content-Type: application/json)");
        }
        const parsed = route.body.safeParse((ctx.request as { body?: unknown }).body);
        if (!parsed.success) {
          throw new AirlockError("invalid_body", "request body does not match the expected shape", {
            details: { issues: parsed.error.issues.slice(0, 10).map((i) => ({ path: i.path.join("."), message: i.message })) },
          });
        }
        input = parsed.data;
      }
      await route.handler(Object.assign(ctx, { input }), services);
    };
    router.register(route.path, [route.method], [name, guard(route), run]);
  }
}
