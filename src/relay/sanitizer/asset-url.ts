import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";

// Asset proxy URLs. The sanitizer turns every page URL it keeps into one of these; the proxy
// serves only URLs whose signature it made, for the site named inside (and checks that site's
// origins again before fetching). The key lives in memory only.

export type AssetKind = "image" | "style" | "font" | "media" | "css-asset";
const kinds: ReadonlySet<string> = new Set<AssetKind>(["image", "style", "font", "media", "css-asset"]);

export const ASSET_PATH = "/relay/v1/asset";
/** What URLSearchParams serialization produces: unreserved characters, `%XX`, `+`, `&` and `=`. */
const proxyQuery = /^[A-Za-z0-9%&=+._*-]*$/;

export interface AssetRef {
  readonly site: string;
  readonly url: string;
  readonly kind: AssetKind;
}

export class AssetUrlSigner {
  readonly #key: KeyObject;
  readonly #base: string;

  /** `publicUrl` is where agents' browsers reach Airlock; `key` defaults to a fresh random key. */
  constructor(publicUrl: string, key: Buffer = randomBytes(32)) {
    this.#base = publicUrl.replace(/\/+$/, "") + ASSET_PATH;
    this.#key = createSecretKey(key); // once: building the key per signature was a measurable cost
  }

  /**
   * Whether `url` has the shape of a URL `sign` makes: this Airlock's asset path and a query of
   * URL-encoded characters only (no quote, bracket, backslash or space that could end a CSS
   * token early). Says nothing about the signature: the proxy checks that when it is fetched.
   */
  isProxyUrl(url: string): boolean {
    return url.startsWith(this.#base) && url.charCodeAt(this.#base.length) === 63 /* ? */ && proxyQuery.test(url.slice(this.#base.length + 1));
  }

  sign(ref: AssetRef): string {
    const q = new URLSearchParams({ s: ref.site, k: ref.kind, u: ref.url, h: this.#mac(ref) });
    return `${this.#base}?${q.toString()}`;
  }

  /** The reference a proxy URL's query names, or undefined when it is malformed or not signed by us. */
  verify(query: URLSearchParams): AssetRef | undefined {
    const site = query.get("s");
    const kind = query.get("k");
    const url = query.get("u");
    const mac = query.get("h");
    if (!site || !kind || !url || !mac || !kinds.has(kind)) return undefined;
    const ref: AssetRef = { site, url, kind: kind as AssetKind };
    const expected = Buffer.from(this.#mac(ref), "base64url");
    const given = Buffer.from(mac, "base64url");
    return given.length === expected.length && timingSafeEqual(given, expected) ? ref : undefined;
  }

  #mac(ref: AssetRef): string {
    return createHmac("sha256", this.#key).update(`${ref.site}\n${ref.kind}\n${ref.url}`).digest("base64url");
  }
}
