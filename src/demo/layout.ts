import { escapeHtml } from "../http/pages/layout.js";

export const DEMO_PATH = "/demo";

export interface DemoPageOptions {
  readonly title: string;
  readonly current: "shop" | "checkout" | "account" | "guide";
  readonly siteKey: string | undefined;
  readonly body: string;
  /** A visitor identity token the shop's backend signed for its signed-in customer (the account page). */
  readonly identityToken?: string | undefined;
}

const nav: readonly { id: DemoPageOptions["current"]; href: string; label: string }[] = [
  { id: "shop", href: `${DEMO_PATH}`, label: "Shop" },
  { id: "checkout", href: `${DEMO_PATH}/checkout`, label: "Checkout" },
  { id: "account", href: `${DEMO_PATH}/account`, label: "My account" },
  { id: "guide", href: `${DEMO_PATH}/guide`, label: "Buying guide" },
];

/**
 * A demo page: external stylesheet and scripts only, so it runs under the same strict CSP as
 * the console (`script-src 'self'; style-src 'self'`) and shows that the visitor script does too.
 */
export function demoPage(o: DemoPageOptions): string {
  const links = nav
    .map((n) => `<a href="${n.href}"${n.id === o.current ? ' aria-current="page"' : ""}>${escapeHtml(n.label)}</a>`)
    .join("");
  const embed = o.siteKey
    ? `<script src="/siteconnect.js" data-site-key="${escapeHtml(o.siteKey)}"${o.identityToken ? ` data-identity-token="${escapeHtml(o.identityToken)}"` : ""} defer></script>`
    : "";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(o.title)} · Northwind Goods</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${DEMO_PATH}/shop.css">
<script src="${DEMO_PATH}/shop.js" defer></script>
${embed}
</head>
<body>
<header class="top">
<a class="logo" href="${DEMO_PATH}">Northwind <span>Goods</span></a>
<nav aria-label="Main">${links}</nav>
<a class="cart-link" href="${DEMO_PATH}/checkout">Cart <span class="cart-count" id="cart-count">0</span></a>
</header>
<main>
${o.body}
</main>
<footer class="foot">A demo shop for trying Airlock co-browsing. Nothing here is real; no order is ever placed.</footer>
</body>
</html>
`;
}
