import { AssetUrlSigner, type AssetKind } from "./asset-url.js";

/**
 * Where proxy URLs are valid: the co-browse session whose content they appear in, until `expires()`
 * (Unix seconds, asked at signing time). See asset-url.ts.
 */
export interface AssetBinding {
  readonly room: string;
  readonly expires: () => number;
}

/** For output no agent will load (the `sanitize` command, benchmarks): URLs that are already expired. */
export const PREVIEW_BINDING: AssetBinding = { room: "preview", expires: () => 0 };

/** The site a session belongs to: its id and the exact origins whose assets may be proxied. */
export interface SiteScope {
  readonly id: string;
  readonly origins: readonly string[];
}

/**
 * Resolves a page URL against the page's base URL and returns the asset proxy URL for it, or
 * undefined when it must be dropped: not http(s), not under one of the site's exact origins,
 * unparsable, or too long. Nothing else ever reaches an agent as a URL.
 */
export class UrlPolicy {
  constructor(
    private readonly signer: AssetUrlSigner,
    private readonly site: SiteScope,
    private readonly baseUrl: string | undefined,
    private readonly maxLength = 4096,
    private readonly binding: AssetBinding = PREVIEW_BINDING,
  ) {}

  proxy(raw: string, kind: AssetKind): string | undefined {
    const value = raw.trim();
    if (value === "" || value.length > this.maxLength) return undefined;
    let url: URL;
    try {
      url = this.baseUrl === undefined ? new URL(value) : new URL(value, this.baseUrl);
    } catch {
      return undefined;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") return undefined;
    if (url.username || url.password) return undefined;
    if (!this.site.origins.includes(url.origin)) return undefined;
    url.hash = "";
    return this.signer.sign({ site: this.site.id, url: url.href, kind, room: this.binding.room, expires: this.binding.expires() });
  }

  /** Whether `url` is an asset proxy URL (what `proxy` returns), for the CSS sanitizer's proof. */
  isProxyUrl(url: string): boolean {
    return this.signer.isProxyUrl(url);
  }

  withBase(baseUrl: string | undefined): UrlPolicy {
    return new UrlPolicy(this.signer, this.site, baseUrl, this.maxLength, this.binding);
  }
}
