import path from "node:path";
import { z } from "zod";
import { defineRoute, type RouteDef } from "../http/route.js";
import { parseQuery } from "../http/query.js";
import { ACTIONS, ROLES, actionDescriptions, isAction, isVisitorAction } from "./actions.js";
import { agentPolicyContext } from "./agent-context.js";
import { explainContextSchema } from "./context-schema.js";
import type { PolicyContext } from "./decision.js";
import { shippedPolicyDir } from "./load.js";
import { ruleSource } from "./rule-source.js";
import { policyFiles, type PolicyFileKey } from "./schema/index.js";

/** GET /api/v1/policy: the effective policy, file by file as validated data, with its hash and load time. */
export const effectivePolicy = defineRoute({
  method: "GET",
  path: "/api/v1/policy",
  access: { action: "policy:read" },
  handler: (ctx, { policy }) => {
    const shipped = path.resolve(shippedPolicyDir);
    const files = (Object.keys(policyFiles) as PolicyFileKey[]).map((key) => ({
      key,
      file: policyFiles[key].file,
      // Where the file came from, without revealing the server's paths.
      source: path.dirname(path.resolve(policy.files[key])) === shipped ? "shipped" : "policyDir",
      content: policy.policy[key],
    }));
    ctx.set("Cache-Control", "no-store");
    ctx.body = {
      hash: policy.hash,
      loadedAt: policy.loadedAt,
      files,
      roles: ROLES,
      actions: ACTIONS.map((action) => ({ action, description: actionDescriptions[action], audited: policy.isAudited(action) })),
    };
  },
});

const roleList = z
  .string()
  .max(200)
  .transform((v) => v.split(",").map((r) => r.trim()).filter(Boolean))
  .pipe(z.array(z.enum(ROLES, { error: (i) => `unknown role: ${String(i.input).slice(0, 40)} (roles are ${ROLES.join(", ")})` })));

const contextParam = z
  .string()
  .max(2000)
  .transform((text, c) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      c.addIssue({ code: "custom", message: "not valid JSON" });
      return z.NEVER;
    }
  })
  .pipe(explainContextSchema);

const explainQuery = z.strictObject({
  role: roleList.optional(),
  // Unknown actions are explained (as denied by `unknown-action`), but the text must look like one.
  action: z.string().regex(/^[a-z][a-z0-9._:-]{0,63}$/, "an action name such as cobrowse:control"),
  context: contextParam.optional(),
});

/**
 * GET /api/v1/policy/explain?role=&action=&context=: the decision for a hypothetical agent (or,
 * for `visitor:*` actions, a visitor connection), the rule that made it with its place in the
 * policy files, and every step before it. Defaults describe an agent with roles `role` who passed
 * MFA at the caller's own address; `context` (JSON) overrides any fact.
 */
export const explainPolicy = defineRoute({
  method: "GET",
  path: "/api/v1/policy/explain",
  access: { action: "policy:read" },
  handler: (ctx, { policy }) => {
    const query = parseQuery(ctx.querystring, explainQuery);
    const visitor = isAction(query.action) && isVisitorAction(query.action);
    const base: PolicyContext = visitor
      ? { actor: "visitor" }
      : agentPolicyContext({ subject: "explain", roles: query.role ?? [], mfa: true, sourceAddress: ctx.ip });
    const explanation = policy.explain(query.action, { ...base, ...query.context });
    ctx.set("Cache-Control", "no-store");
    ctx.body = { ...explanation, ruleSource: ruleSource(policy.policy, explanation.decision.rule) ?? null };
  },
});

export const policyRoutes: readonly RouteDef<unknown>[] = [effectivePolicy, explainPolicy] as readonly RouteDef<unknown>[];
