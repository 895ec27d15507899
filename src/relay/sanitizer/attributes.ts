import type { AssetKind } from "./asset-url.js";
import type { CompiledAllowlist } from "./compiled-allowlist.js";
import type { CssScope } from "./css-scope.js";
import type { UrlPolicy } from "./url-policy.js";

// One attribute, one decision: used for every element of a snapshot or added subtree and for
// every attribute mutation, so both paths apply exactly the same rules.

export interface AttributeScope {
  readonly allowlist: CompiledAllowlist;
  readonly urls: UrlPolicy;
  readonly maxLength: number;
  readonly css: CssScope;
}

/** SVG presentation values may point at local fragments only (`url(#gradient)`), never at a resource. */
const localSvgRef = /^\s*url\(\s*(["']?)#[A-Za-z_][\w-]*\1\s*\)\s*[\w#-]*\s*$/i;

/** The value to emit, or undefined when the attribute must not reach an agent. */
export function sanitizeAttribute(tag: string, name: string, value: string, inSvg: boolean, scope: AttributeScope): string | undefined {
  const kind = scope.allowlist.attributeKind(tag, name);
  if (kind === "drop" || value.length > scope.maxLength) return undefined;
  switch (kind) {
    case "plain":
      if (inSvg && (/url\s*\(|\\/i.test(value)) && !localSvgRef.test(value)) return undefined;
      return value;
    case "style": {
      const css = scope.css.declarations(value);
      return css === "" ? undefined : css;
    }
    case "rel":
      return isStylesheetRel(value) ? "stylesheet" : undefined;
    case "src":
      return scope.urls.proxy(value, srcKind(tag));
    case "poster":
      return scope.urls.proxy(value, "image");
    case "srcset":
      return proxySrcset(value, scope.urls);
    case "href":
      return hrefValue(tag, value, inSvg, scope.urls);
  }
}

/** Exactly the one link type `stylesheet` (not `alternate stylesheet`, not `preload stylesheet`). */
export function isStylesheetRel(rel: string | undefined): boolean {
  const tokens = (rel ?? "").toLowerCase().split(/[\t\n\f\r ]+/).filter((t) => t !== "");
  return tokens.length === 1 && tokens[0] === "stylesheet";
}

function srcKind(tag: string): AssetKind {
  return tag === "video" || tag === "audio" || tag === "track" || tag === "source" ? "media" : "image";
}

function hrefValue(tag: string, value: string, inSvg: boolean, urls: UrlPolicy): string | undefined {
  if (tag === "link") return urls.proxy(value, "style");
  if (tag === "image" && inSvg) return urls.proxy(value, "image");
  if (tag === "use" && inSvg) return /^#[A-Za-z_][\w-]*$/.test(value.trim()) ? value.trim() : undefined;
  // Links in the page copy are inert: the agent sees the element, never the destination (the
  // sanitizer marks the element as a link instead, see LINK_MARK).
  return undefined;
}

/** srcset candidates are `URL [descriptor]`, comma separated; each URL goes through the proxy. */
function proxySrcset(value: string, urls: UrlPolicy): string | undefined {
  const out: string[] = [];
  for (const candidate of value.split(",")) {
    const parts = candidate.trim().split(/\s+/);
    const url = parts[0];
    const descriptor = parts.slice(1).join(" ");
    if (!url || (descriptor && !/^\d+(\.\d+)?[wx]$/.test(descriptor))) continue;
    const proxied = urls.proxy(url, "image");
    if (proxied) out.push(descriptor ? `${proxied} ${descriptor}` : proxied);
  }
  return out.length > 0 ? out.join(", ") : undefined;
}
