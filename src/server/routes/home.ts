import { escapeHtml, page } from "../../http/pages/layout.js";
import { siteCss } from "../../http/pages/site-css.js";
import { defineRoute } from "../../http/route.js";

export const home = defineRoute({
  method: "GET",
  path: "/",
  access: { public: true },
  handler: (ctx, { config }) => {
    ctx.type = "text/html; charset=utf-8";
    ctx.body = page(
      "Airlock",
      `<main>
<header class="brand"><div class="mark" aria-hidden="true">A</div><div><h1>Airlock</h1>
<p class="tagline">Self-hosted co-browsing and live chat for regulated enterprises.</p></div></header>
<section class="card">
<h2>What this is</h2>
<p>Airlock lets a website's visitors chat with support agents and, with their consent, let an agent see or operate
the page they are on. Everything between the two passes through this server, which sanitizes it so neither side
can attack the other. Page content is never stored; chat transcripts are encrypted at rest.</p>
</section>
<section class="card">
<h2>For agents</h2>
<p>Support staff, supervisors, auditors and administrators work in the Airlock console.</p>
<p><a href="/console/">Sign in</a> <span class="muted">— to the Airlock console</span></p>
</section>
<section class="card">
<h2>Operations</h2>
<ul class="links">
<li><a href="/healthz">/healthz</a> <span class="muted">— liveness: the process is up</span></li>
<li><a href="/readyz">/readyz</a> <span class="muted">— readiness: database reachable and migrations current</span></li>
</ul>
</section>
<p class="muted">Running in <code>${escapeHtml(config.mode)}</code> mode.</p>
</main>`,
    );
  },
});

export const siteStylesheet = defineRoute({
  method: "GET",
  path: "/assets/site.css",
  access: { public: true },
  handler: (ctx) => {
    ctx.type = "text/css; charset=utf-8";
    ctx.set("Cache-Control", "public, max-age=3600");
    ctx.body = siteCss;
  },
});

const faviconSvg =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0b5cad"/>' +
  '<path d="M16 6 7 26h4.2l1.9-4.6h5.8l1.9 4.6H25L16 6Zm0 6.4 2.3 5.6h-4.6L16 12.4Z" fill="#fff"/></svg>';

function serveFavicon(ctx: { type: string; body: unknown; set(name: string, value: string): void }): void {
  ctx.type = "image/svg+xml; charset=utf-8";
  ctx.set("Cache-Control", "public, max-age=86400");
  ctx.body = faviconSvg;
}

export const favicon = defineRoute({ method: "GET", path: "/assets/favicon.svg", access: { public: true }, handler: serveFavicon });

/** Browsers ask for /favicon.ico on pages without an icon link (JSON responses, for instance). */
export const faviconIco = defineRoute({ method: "GET", path: "/favicon.ico", access: { public: true }, handler: serveFavicon });
