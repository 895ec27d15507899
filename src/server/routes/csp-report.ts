import { z } from "zod";
import { defineRoute } from "../../http/route.js";

// Browsers send either the legacy `{"csp-report": {...}}` shape or Reporting API arrays.
const legacy = z.object({ "csp-report": z.looseObject({ "effective-directive": z.string().max(64).optional(), "violated-directive": z.string().max(256).optional() }) });
const reportingApi = z.array(z.looseObject({ type: z.string().max(64), body: z.looseObject({ effectiveDirective: z.string().max(64).optional() }).optional() })).max(100);
const report = z.union([legacy, reportingApi]);

/**
 * Collects CSP violation reports from the console. Only the violated directive is recorded
 * (as a metric and a log line): blocked URLs and samples can carry page data.
 */
export const cspReport = defineRoute({
  method: "POST",
  path: "/api/v1/csp-report",
  access: { public: true },
  body: report,
  handler: (ctx, { log }) => {
    const directives = Array.isArray(ctx.input)
      ? ctx.input.map((r) => r.body?.effectiveDirective ?? r.type)
      : [ctx.input["csp-report"]["effective-directive"] ?? ctx.input["csp-report"]["violated-directive"]?.split(" ")[0] ?? "unknown"];
    for (const directive of directives) log.warn({ requestId: ctx.state.requestId, directive }, "csp violation reported");
    ctx.status = 204;
  },
});
