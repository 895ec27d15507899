import type { Middleware } from "koa";
import helmet from "koa-helmet";

// The console's baseline policy: script and style only from our own origin, nothing inline,
// no plugins, no <base>, never framed, Trusted Types for every script sink. Pages that need
// more (the replay viewer, the visitor script served cross-origin) override single headers on
// their own routes.
export const consoleCsp: Readonly<Record<string, readonly string[]>> = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "style-src": ["'self'"],
  "img-src": ["'self'"],
  "font-src": ["'self'"],
  "connect-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "frame-ancestors": ["'none'"],
  "form-action": ["'self'"],
  "require-trusted-types-for": ["'script'"],
  // The console's only Trusted Types policy (src/console/ui/trusted-types.ts); no other name may be created.
  "trusted-types": ["airlock-console"],
  "report-uri": ["/api/v1/csp-report"],
};

export const permissionsPolicy =
  "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), " +
  "magnetometer=(), microphone=(), midi=(), payment=(), publickey-credentials-get=(), usb=(), xr-spatial-tracking=()";

export function serializeCsp(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([k, v]) => `${k} ${v.join(" ")}`)
    .join("; ");
}

export function securityHeaders(options: { https: boolean }): Middleware[] {
  const directives: Record<string, string[]> = Object.fromEntries(Object.entries(consoleCsp).map(([k, v]) => [k, [...v]]));
  if (options.https) directives["upgrade-insecure-requests"] = [];
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives },
      crossOriginEmbedderPolicy: false,
      crossOriginOpenerPolicy: { policy: "same-origin" },
      crossOriginResourcePolicy: { policy: "same-origin" },
      referrerPolicy: { policy: "no-referrer" },
      strictTransportSecurity: { maxAge: 63_072_000, includeSubDomains: true },
      xFrameOptions: { action: "deny" },
    }),
    async (ctx, next) => {
      ctx.set("Permissions-Policy", permissionsPolicy);
      // Nothing Airlock answers may be cached unless a route opts in (static assets do).
      ctx.set("Cache-Control", "no-store");
      await next();
    },
  ];
}
