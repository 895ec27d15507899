import { createHmac, createSecretKey, randomBytes, timingSafeEqual, type KeyObject } from "node:crypto";

// Asset proxy URLs. The sanitizer turns every page URL it keeps into one of these; the proxy
// serves only URLs whose signature it made, for the site named inside (and checks that site's
// origins again before fetching). Each URL is bound to the co-browse session whose content it
// appeared in and to an expiry: the proxy refuses it once the session has ended (so a URL copied out
// of a session, or one from before a restart, is dead) or the expiry has passed. The query must
// be exactly the one `sign` wrote: any other spelling (a padded or re-encoded signature, a
// repeated or extra parameter) is refused before the signature is compared.

export type AssetKind = "image" | "style" | "font" | "media" | "css-asset";
const kinds: ReadonlySet<string> = new Set<AssetKind>(["image", "style", "font", "media", "css-asset"]);

export const ASSET_PATH = "/relay/v1/asset";
/** What URLSearchParams serialization produces: unreserved characters, `%XX`, `+`, `&` and `=`. */
const proxyQuery = /^[A-Za-z0-9%&=+._*-]*$/;
const sessionId = /^[A-Za-z0-9_-]{1,64}$/;
const expiry = /^(?:0|[1-9][0-9]{0,12})$/;
/** HMAC-SHA256 in unpadded base64url: 43 characters, the last one carrying 2 zero bits. */
const canonicalMac = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

export interface AssetRef {
  readonly site: string;
  readonly url: string;
  readonly kind: AssetKind;
  /** The co-browse session the URL was issued in. */
  readonly room: string;
  /** Unix time (seconds) after which the URL is refused. */
  readonly expires: number;
}

export type VerifiedAsset = { readonly ok: true; readonly ref: AssetRef } | { readonly ok: false; readonly reason: "invalid" | "expired" };

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
    return `${this.#base}?${query(ref, this.#mac(ref))}`;
  }

  /** The reference a proxy URL's raw query string names, if it is exactly what `sign` wrote and not expired at `nowMs`. */
  verify(rawQuery: string, nowMs: number): VerifiedAsset {
    const params = new URLSearchParams(rawQuery);
    const site = params.get("s");
    const kind = params.get("k");
    const url = params.get("u");
    const session = params.get("r");
    const expires = params.get("e");
    const mac = params.get("h");
    if (!site || !kind || !url || !session || !expires || !mac) return { ok: false, reason: "invalid" };
    if (!kinds.has(kind) || !sessionId.test(session) || !expiry.test(expires) || !canonicalMac.test(mac)) return { ok: false, reason: "invalid" };
    const ref: AssetRef = { site, url, kind: kind as AssetKind, room: session, expires: Number(expires) };
    // Canonical: the raw query is exactly the one signing would write for these values.
    if (query(ref, mac) !== rawQuery) return { ok: false, reason: "invalid" };
    const expected = Buffer.from(this.#mac(ref), "utf8");
    const given = Buffer.from(mac, "utf8");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: "invalid" };
    return ref.expires * 1000 <= nowMs ? { ok: false, reason: "expired" } : { ok: true, ref };
  }

  #mac(ref: AssetRef): string {
    return createHmac("sha256", this.#key).update(`asset v2\n${ref.site}\n${ref.kind}\n${ref.url}\n${ref.room}\n${ref.expires}`).digest("base64url");
  }
}

function query(ref: AssetRef, mac: string): string {
  return new URLSearchParams({ s: ref.site, k: ref.kind, u: ref.url, r: ref.room, e: String(ref.expires), h: mac }).toString();
}
