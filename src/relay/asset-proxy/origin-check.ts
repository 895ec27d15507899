import { AirlockError } from "../../errors.js";

/**
 * The URL's origin must be exactly one of the site's registered origins: scheme, host and port
 * compared as a whole, so `https://bank.example.evil.test` or `https://bank.example:8443` never
 * pass for `https://bank.example`. URLs with credentials are refused.
 */
export function checkSiteOrigin(url: URL, origins: readonly string[]): void {
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new AirlockError("asset_origin_refused", "assets are fetched over http(s) only");
  }
  if (url.username !== "" || url.password !== "") throw new AirlockError("asset_origin_refused", "asset URLs may not carry credentials");
  if (!origins.includes(url.origin)) throw new AirlockError("asset_origin_refused", "the asset is not under one of the site's registered origins");
}
