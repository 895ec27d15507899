import type { Config } from "../../config/schema.js";
import type { PolicyEngine } from "../../policy/engine.js";
import { AssetUrlSigner } from "../sanitizer/asset-url.js";
import { CssRules } from "../sanitizer/css-rules.js";
import { AssetProxy } from "./asset-proxy.js";
import type { HostLookup } from "./resolver.js";
import { assetSigningKey } from "./signing-key.js";

/** The server's asset proxy: limits from config, site origins from the current policy. */
export function assetProxyFromConfig(config: Config, policy: PolicyEngine, masterKey: Uint8Array, lookup?: HostLookup): AssetProxy {
  let css = { hash: "", rules: new CssRules({ properties: [], atRules: [] }) };
  return new AssetProxy({
    signer: new AssetUrlSigner(config.publicUrl, assetSigningKey(masterKey)),
    siteOrigins: (siteId) => {
      const sites = policy.policy.sites.sites;
      return Object.hasOwn(sites, siteId) ? sites[siteId]?.origins : undefined;
    },
    cssRules: () => {
      if (css.hash !== policy.hash) css = { hash: policy.hash, rules: new CssRules(policy.policy.sanitize.css) };
      return css.rules;
    },
    rules: { allowLoopback: config.mode === "dev" && config.assetProxyAllowLoopback },
    limits: { maxBytes: config.assetProxyMaxBytes, timeoutMs: config.assetProxyTimeoutMs, maxRedirects: 3 },
    cacheBytes: config.assetProxyCacheBytes,
    ...(lookup ? { lookup } : {}),
  });
}
