import { bodyParser } from "@koa/bodyparser";
import Router from "@koa/router";
import Koa from "koa";
import { AirlockError } from "../errors.js";
import { policyGuard } from "../policy/http-guard.js";
import { identityMiddleware } from "../auth/http/identity-middleware.js";
import { accessLog } from "../http/access-log.js";
import type { RequestState, Services } from "../http/context.js";
import { errorResponses } from "../http/errors.js";
import { methodRefusals } from "../http/method-refusals.js";
import { proxiedClientCap } from "../http/proxied-client-cap.js";
import { requestId } from "../http/request-id.js";
import { mountRoutes, type AccessGuard, type RouteDef } from "../http/route.js";
import { allRoutes } from "./routes/index.js";
import { securityHeaders } from "../http/security-headers.js";
import type { Telemetry } from "../telemetry/telemetry.js";

export interface AppOptions {
  readonly routes?: readonly RouteDef<unknown>[];
  readonly guard?: AccessGuard;
  readonly telemetry?: Telemetry;
}

export function createApp(services: Services, options: AppOptions = {}): Koa<RequestState> {
  const { config, log, metrics } = services;
  const app = new Koa<RequestState>({ proxy: config.trustProxy, maxIpsCount: config.trustProxy ? config.proxyCount : 0 });
  app.silent = true; // errors are logged by the failure log, never by Koa's default stderr printer

  const router = new Router<RequestState>();
  mountRoutes(router, options.routes ?? allRoutes, services, options.guard ?? policyGuard(services));

  app.use(requestId(config.trustProxy));
  app.use(async (ctx, next) => {
    await next();
    // While draining, tell keep-alive clients not to reuse this connection.
    if (services.lifecycle.shuttingDown) ctx.set("Connection", "close");
  });
  if (options.telemetry) app.use(options.telemetry.httpMiddleware);
  app.use(accessLog(log, metrics));
  for (const mw of securityHeaders({ https: config.publicUrl.startsWith("https://") })) app.use(mw);
  app.use(errorResponses(services.failures));
  app.use(proxiedClientCap(services.clientSlots));
  app.use(
    bodyParser({
      enableTypes: ["json"],
      jsonLimit: config.bodyLimitBytes,
      extendTypes: { json: ["application/json", "application/*+json", "application/csp-report", "application/reports+json"] },
      onError: (err) => {
        const status = (err as { status?: number }).status;
        if (status === 413) throw new AirlockError("payload_too_large", `request body exceeds ${config.bodyLimitBytes} bytes`);
        throw new AirlockError("invalid_body", "request body is not valid JSON");
      },
    }),
  );
  app.use(identityMiddleware(services));
  app.use(methodRefusals());
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
