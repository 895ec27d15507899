import { AirlockError } from "../../errors.js";
import { defineRoute } from "../../http/route.js";
import { agentPolicyContext } from "../../policy/agent-context.js";
import { principalFromState } from "../../policy/principal.js";
import { ASSET_PATH } from "../sanitizer/asset-url.js";

// GET /relay/v1/asset?s=&k=&u=&h= — what the agent's replay frame loads images, stylesheets,
// fonts and media from. The frame is same-origin with the console, so the agent's session cookie
// comes along and the route requires it:
// - the guard (console:use, not audited) answers 401 without a session, and applies MFA and the
//   agent network allowlist;
// - the handler asks for cobrowse:view. The visitor-consent facts come from the signature: the
//   relay only signs asset URLs inside page content it accepted after the visitor consented.
//   Deciding here rather than in the guard keeps one audit entry per join, not one per image.
// Answers carry their own CSP (nothing runs if one is opened directly), nosniff and CORP.

export const ASSET_CSP = "default-src 'none'; sandbox";

export const assetRoute = defineRoute({
  method: "GET",
  path: ASSET_PATH,
  access: { action: "console:use" },
  handler: async (ctx, { policy, assets, relay }) => {
    const principal = principalFromState(ctx.state);
    const agent = principal ?? { subject: "", roles: [], mfa: false };
    const decision = policy.decide("cobrowse:view", agentPolicyContext({ ...agent, sourceAddress: ctx.ip }, { grantedMode: "view", visitorConsent: { view: true } }));
    if (!principal || !decision.allow) throw new AirlockError("forbidden", "not allowed", { details: { action: "cobrowse:view", rule: decision.rule } });
    const asset = await assets.serve(ctx.querystring, (session) => relay.sessionLive(session));
    ctx.set("Content-Security-Policy", ASSET_CSP);
    ctx.set("X-Content-Type-Options", "nosniff");
    ctx.set("Cross-Origin-Resource-Policy", "same-origin");
    ctx.set("Referrer-Policy", "no-referrer");
    ctx.type = asset.mediaType.startsWith("text/") ? `${asset.mediaType}; charset=utf-8` : asset.mediaType;
    ctx.body = asset.body;
  },
});
