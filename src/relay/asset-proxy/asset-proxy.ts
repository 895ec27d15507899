import { AirlockError } from "../../errors.js";
import { AssetUrlSigner, type AssetRef } from "../sanitizer/asset-url.js";
import { sanitizeStylesheet } from "../sanitizer/css.js";
import type { CssRules } from "../sanitizer/css-rules.js";
import { UrlPolicy } from "../sanitizer/url-policy.js";
import type { AddressRules } from "../../http/egress/address-policy.js";
import { fetchAsset, type FetchLimits } from "./fetch-asset.js";
import { MemoryCache } from "./memory-cache.js";
import { checkSiteOrigin } from "./origin-check.js";
import { systemLookup, type HostLookup } from "./resolver.js";

export interface AssetProxyOptions {
  /** The same signer the relay's sanitizers use: the proxy serves only URLs it signed. */
  readonly signer: AssetUrlSigner;
  /** A site's registered origins by site id, read from the current policy on every request. */
  readonly siteOrigins: (siteId: string) => readonly string[] | undefined;
  /** The policy's CSS allowlist, applied to every proxied stylesheet. */
  readonly cssRules: () => CssRules;
  readonly rules: AddressRules;
  readonly limits: FetchLimits;
  /** Memory cache size in bytes (0: no cache). */
  readonly cacheBytes: number;
  readonly cacheTtlMs?: number;
  /** Fetches in flight at once; more are refused with rate_limited. */
  readonly maxConcurrent?: number;
  readonly lookup?: HostLookup;
}

export interface ProxiedAsset {
  readonly mediaType: string;
  readonly body: Buffer;
}

/**
 * The asset proxy: agents' browsers fetch page images, stylesheets, fonts and media only through
 * it. It serves a signed reference only, re-checks the URL against the site's current origins,
 * fetches with fixed limits and no credentials, and sends stylesheets through the CSS sanitizer
 * so every url() inside points back at the proxy.
 */
export class AssetProxy {
  readonly signer: AssetUrlSigner;
  readonly #options: AssetProxyOptions;
  readonly #cache: MemoryCache<ProxiedAsset>;
  readonly #lookup: HostLookup;
  #inFlight = 0;

  constructor(options: AssetProxyOptions) {
    this.signer = options.signer;
    this.#options = options;
    this.#cache = new MemoryCache(options.cacheBytes, options.cacheTtlMs ?? 60_000);
    this.#lookup = options.lookup ?? systemLookup;
  }

  /**
   * The asset a proxy URL's raw query string names, ready to send; throws AirlockError with a
   * specific code. `roomLive` says whether the co-browse session the URL was issued in is still
   * running anywhere in the cluster: once it has ended, its URLs are dead.
   */
  async serve(rawQuery: string, sessionLive: (session: string) => boolean, nowMs: number = Date.now()): Promise<ProxiedAsset> {
    const verified = this.signer.verify(rawQuery, nowMs);
    if (!verified.ok) {
      if (verified.reason === "expired") throw new AirlockError("asset_url_expired", "the asset URL has expired");
      throw new AirlockError("asset_signature_invalid", "not an asset URL issued by this Airlock");
    }
    if (!sessionLive(verified.ref.room)) throw new AirlockError("asset_room_ended", "the co-browse session this asset URL belongs to has ended");
    return this.fetch(verified.ref);
  }

  async fetch(ref: AssetRef): Promise<ProxiedAsset> {
    const origins = this.#options.siteOrigins(ref.site);
    if (!origins) throw new AirlockError("asset_origin_refused", "the asset's site is not registered");
    const url = parseUrl(ref.url);
    checkSiteOrigin(url, origins);
    // A stylesheet's body holds proxy URLs bound to its session and expiry: cached per binding.
    const key = ref.kind === "style" ? `${ref.site}\n${ref.kind}\n${url.href}\n${ref.room}\n${ref.expires}` : `${ref.site}\n${ref.kind}\n${url.href}`;
    const cached = this.#cache.get(key);
    if (cached) return cached;
    if (this.#inFlight >= (this.#options.maxConcurrent ?? 64)) throw new AirlockError("rate_limited", "too many asset fetches in progress");
    this.#inFlight++;
    try {
      const fetched = await fetchAsset(url, ref.kind, origins, { lookup: this.#lookup, rules: this.#options.rules, limits: this.#options.limits });
      const asset: ProxiedAsset =
        ref.kind === "style"
          ? { mediaType: "text/css", body: Buffer.from(this.#rewriteCss(fetched.body, ref, origins, fetched.url), "utf8") }
          : { mediaType: fetched.mediaType, body: fetched.body };
      if (this.#options.cacheBytes > 0) this.#cache.set(key, asset, asset.body.length);
      return asset;
    } finally {
      this.#inFlight--;
    }
  }

  /** Drops every cached asset (policy reload, tests). */
  clearCache(): void {
    this.#cache.clear();
  }

  /** The stylesheet's URLs point at the proxy, bound to the same session and expiry as the stylesheet's own URL. */
  #rewriteCss(body: Buffer, ref: AssetRef, origins: readonly string[], base: URL): string {
    const urls = new UrlPolicy(this.signer, { id: ref.site, origins }, base.href, undefined, { room: ref.room, expires: () => ref.expires });
    return sanitizeStylesheet(body.toString("utf8"), urls, this.#options.cssRules());
  }
}

function parseUrl(value: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new AirlockError("asset_origin_refused", "the asset URL cannot be parsed");
  }
}
