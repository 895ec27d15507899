import type { Product } from "./catalog.js";

/** A small SVG picture per product (served from the demo origin, so agents get it through the asset proxy). */
export function productSvg(p: Product): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 160 120" width="160" height="120">
<rect width="160" height="120" rx="12" fill="${p.color}" fill-opacity="0.14"/>
<circle cx="80" cy="58" r="34" fill="${p.color}"/>
<text x="80" y="66" font-family="system-ui,sans-serif" font-size="24" font-weight="700" fill="#fff" text-anchor="middle">${p.name.slice(0, 1)}</text>
</svg>`;
}
