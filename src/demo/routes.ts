import type { ParameterizedContext } from "koa";
import { AirlockError } from "../errors.js";
import type { RequestState, Services } from "../http/context.js";
import { defineRoute, pathParam, type RouteDef } from "../http/route.js";
import { products } from "./catalog.js";
import { demoIdentityToken } from "./identity-signer.js";
import { DEMO_PATH } from "./layout.js";
import { accountPage, checkoutPage, guidePage, shopPage } from "./pages.js";
import { productSvg } from "./product-image.js";
import { shopCss } from "./shop-css.js";
import { shopScript } from "./shop-script.js";

// The demo shop at /demo, served by Airlock itself in dev mode only (production answers 404).
// Its pages embed /siteconnect.js with the site key of the registered site whose origins
// include the origin the page was loaded from (policies/sites.yaml ships one for
// http://127.0.0.1:8080 and http://localhost:8080).

type Ctx = ParameterizedContext<RequestState>;

function devOnly(services: Services): void {
  if (services.config.mode !== "dev") throw new AirlockError("not_found", "not found");
}

export function demoSiteKey(services: Services, origin: string): string | undefined {
  const sites = Object.values(services.policy.policy.sites.sites);
  const publicOrigin = new URL(services.config.publicUrl).origin;
  return (sites.find((s) => s.origins.includes(origin)) ?? sites.find((s) => s.origins.includes(publicOrigin)))?.siteKey;
}

function html(render: (siteKey: string | undefined) => string): (ctx: Ctx, services: Services) => void {
  return (ctx, services) => {
    devOnly(services);
    ctx.type = "text/html; charset=utf-8";
    ctx.body = render(demoSiteKey(services, ctx.origin));
  };
}

function asset(type: string, body: string): (ctx: Ctx, services: Services) => void {
  return (ctx, services) => {
    devOnly(services);
    ctx.type = type;
    ctx.set("Cache-Control", "public, max-age=300");
    ctx.body = body;
  };
}

const productById = new Map(products.map((p) => [p.id, p]));

export const demoRoutes: readonly RouteDef<unknown>[] = [
  defineRoute({ method: "GET", path: DEMO_PATH, access: { public: true }, handler: html(shopPage) }),
  defineRoute({ method: "GET", path: `${DEMO_PATH}/checkout`, access: { public: true }, handler: html(checkoutPage) }),
  // Signed in as the demo customer: the shop's backend puts a fresh identity token on the embed tag.
  defineRoute({
    method: "GET",
    path: `${DEMO_PATH}/account`,
    access: { public: true },
    handler: async (ctx, services) => {
      devOnly(services);
      const siteKey = demoSiteKey(services, ctx.origin);
      ctx.type = "text/html; charset=utf-8";
      ctx.set("Cache-Control", "no-store");
      ctx.body = accountPage(siteKey, siteKey ? await demoIdentityToken(siteKey, Date.now()) : undefined);
    },
  }),
  defineRoute({ method: "GET", path: `${DEMO_PATH}/guide`, access: { public: true }, handler: html(guidePage) }),
  defineRoute({ method: "GET", path: `${DEMO_PATH}/shop.css`, access: { public: true }, handler: asset("text/css; charset=utf-8", shopCss) }),
  defineRoute({ method: "GET", path: `${DEMO_PATH}/shop.js`, access: { public: true }, handler: asset("text/javascript; charset=utf-8", shopScript) }),
  // The demo shop's backend signs a visitor identity token for its signed-in customer, for a page
  // script to hand to Airlock.identify (the account page carries one on its embed tag instead).
  defineRoute({
    method: "GET",
    path: `${DEMO_PATH}/identity-token`,
    access: { public: true },
    handler: async (ctx, services) => {
      devOnly(services);
      const siteKey = demoSiteKey(services, ctx.origin);
      if (!siteKey) throw new AirlockError("not_found", "no site is registered for this origin");
      ctx.set("Cache-Control", "no-store");
      ctx.body = { token: await demoIdentityToken(siteKey, Date.now()) };
    },
  }),
  defineRoute({
    method: "GET",
    path: `${DEMO_PATH}/img/:name`,
    access: { public: true },
    handler: (ctx, services) => {
      devOnly(services);
      const product = productById.get(pathParam(ctx, "name").replace(/\.svg$/, ""));
      if (!product) throw new AirlockError("not_found", "no such image");
      ctx.type = "image/svg+xml; charset=utf-8";
      ctx.set("Cache-Control", "public, max-age=3600");
      ctx.body = productSvg(product);
    },
  }),
];
