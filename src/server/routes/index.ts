import { auditRoutes } from "../../audit/routes.js";
import { identityRoutes } from "../../auth/http/routes.js";
import { chatRoutes } from "../../chat/http/routes.js";
import { consoleRoutes } from "../../console/routes.js";
import { keyRoutes } from "../../crypto/http/key-routes.js";
import { webhookRoutes } from "../../webhooks/http/routes.js";
import { replayFrame } from "../../console/replay-frame.js";
import { demoRoutes } from "../../demo/routes.js";
import { policyRoutes } from "../../policy/routes.js";
import { assetRoute } from "../../relay/asset-proxy/route.js";
import { relayRoutes } from "../../relay/http-routes.js";
import { scimRoutes } from "../../scim/http/routes.js";
import type { RouteDef } from "../../http/route.js";
import { cspReport } from "./csp-report.js";
import { healthz, readyz } from "./health.js";
import { favicon, faviconIco, home, siteStylesheet } from "./home.js";
import { siteconnectScript } from "./siteconnect.js";

/** Every HTTP route Airlock serves. Capabilities add their route lists here. */
export const allRoutes: readonly RouteDef<unknown>[] = [home, siteStylesheet, favicon, faviconIco, healthz, readyz, cspReport, ...identityRoutes, siteconnectScript, ...demoRoutes, replayFrame, assetRoute, ...relayRoutes,
  ...policyRoutes, ...auditRoutes, ...chatRoutes, ...keyRoutes,
  ...scimRoutes, ...webhookRoutes,
  // Last: the console shell answers every other /console/ path.
  ...consoleRoutes];
