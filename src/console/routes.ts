import type { ParameterizedContext } from "koa";
import { AirlockError } from "../errors.js";
import type { RequestState } from "../http/context.js";
import { defineRoute, pathParam, type RouteDef } from "../http/route.js";
import { consoleAsset } from "./assets.js";
import { consoleShellHtml } from "./shell-html.js";

// The console is one page application: every /console/ path answers the same shell, and the
// script decides what to show after asking GET /api/v1/me. The shell itself is public (a
// signed-out agent needs the sign-in page); everything it shows comes from guarded API routes.

type Ctx = ParameterizedContext<RequestState>;

function serveShell(ctx: Ctx): void {
  if (ctx.path.startsWith("/console/assets/")) throw new AirlockError("not_found", "no such console asset");
  ctx.type = "text/html; charset=utf-8";
  ctx.body = consoleShellHtml;
}

export const consoleRedirect = defineRoute({
  method: "GET",
  path: "/console",
  access: { public: true },
  handler: (ctx) => {
    // The router ignores a trailing slash, so `/console/` arrives here too.
    if (ctx.path !== "/console") return serveShell(ctx);
    ctx.redirect("/console/");
  },
});

export const consoleAssetRoute = defineRoute({
  method: "GET",
  path: "/console/assets/:name",
  access: { public: true },
  handler: (ctx) => {
    const asset = consoleAsset(pathParam(ctx, "name"));
    // Fixed names: always revalidate, so a new build is picked up on the next load.
    ctx.set("Cache-Control", "no-cache");
    ctx.set("ETag", asset.etag);
    ctx.set("Vary", "Accept-Encoding");
    ctx.type = asset.type;
    if (ctx.get("If-None-Match") === asset.etag) {
      ctx.status = 304;
      return;
    }
    if (ctx.acceptsEncodings("gzip", "identity") === "gzip") {
      ctx.set("Content-Encoding", "gzip");
      ctx.body = asset.gzip;
    } else ctx.body = asset.raw;
  },
});

export const consoleShell = defineRoute({ method: "GET", path: "/console/{*page}", access: { public: true }, handler: serveShell });

/** Every route of the console: the shell for all its paths and its built assets. */
export const consoleRoutes: readonly RouteDef<unknown>[] = [consoleRedirect, consoleAssetRoute, consoleShell] as readonly RouteDef<unknown>[];
