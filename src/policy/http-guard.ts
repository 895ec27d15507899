import type { Middleware } from "koa";
import { recordAudit } from "../audit/trail.js";
import { AirlockError } from "../errors.js";
import type { RequestState, Services } from "../http/context.js";
import type { AccessGuard, RouteDef } from "../http/route.js";
import { agentPolicyContext } from "./agent-context.js";
import { principalFromState } from "./principal.js";
import { RoutineReads } from "./routine-reads.js";

/**
 * The access guard for every HTTP route: public routes pass; every other route needs an
 * authenticated principal (401 otherwise) and an allowing decision for the route's action
 * (403 otherwise). Decisions on audited actions, and every denial, go to the audit trail; a
 * routine read (a list a page polls) is audited once per agent and route per window.
 */
export function policyGuard(services: Pick<Services, "policy" | "storage" | "log">, routineReads = new RoutineReads()): AccessGuard {
  return (route: RouteDef<unknown>): Middleware<RequestState> => {
    const access = route.access;
    if ("public" in access && access.public === true) return async (_ctx, next) => {
      await next();
    };
    if (!("action" in access)) {
      // A route whose access rule is neither public nor an action is refused: deny by default.
      return async () => {
        throw new AirlockError("forbidden", "this route has no access rule");
      };
    }
    return async (ctx, next) => {
      const principal = principalFromState(ctx.state);
      if (!principal) throw new AirlockError("unauthenticated", "sign in first");
      const concerns = access.context ? await access.context(ctx) : {};
      const context = agentPolicyContext({ ...principal, sourceAddress: ctx.ip }, concerns);
      const decision = services.policy.decide(access.action, context);
      const target = `route:${route.method}:${route.path}`;
      // Denials always; allowed audited actions too, except repeats of a routine read (polling).
      const audit = !decision.allow || (services.policy.isAudited(access.action) && (access.routineRead !== true || routineReads.shouldAudit(principal.subject, target)));
      if (audit) {
        await recordAudit(services.storage.db, {
          actor: `agent:${principal.subject}`,
          action: access.action,
          target,
          decision: decision.allow ? "allow" : "deny",
          rule: decision.rule,
          sourceAddress: ctx.ip || null,
        }).catch((err: unknown) => {
          services.log.error({ err: err instanceof Error ? err.name : typeof err, action: access.action }, "audit write failed");
          throw new AirlockError("internal", "audit trail unavailable", { cause: err });
        });
      }
      if (!decision.allow) throw new AirlockError("forbidden", "not allowed", { details: { action: access.action, rule: decision.rule } });
      await next();
    };
  };
}
