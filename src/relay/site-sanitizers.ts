import type { PolicyEngine } from "../policy/engine.js";
import type { SitePolicy } from "../policy/schema/sites.js";
import type { AssetUrlSigner } from "./sanitizer/asset-url.js";
import { allowlistFromSanitizePolicy } from "./sanitizer/policy-allowlist.js";
import { Sanitizer } from "./sanitizer/sanitizer.js";

export interface RegisteredSite {
  readonly id: string;
  readonly policy: SitePolicy;
}

/**
 * One sanitizer per registered site, built from the effective policy (allowlist, the site's
 * origins and masking selectors) and rebuilt when a policy reload changes it. Sessions keep the
 * sanitizer they started with.
 */
export class SiteSanitizers {
  #hash = "";
  readonly #bySite = new Map<string, Sanitizer>();

  constructor(
    private readonly policy: PolicyEngine,
    private readonly signer: AssetUrlSigner,
  ) {}

  site(siteKey: string): RegisteredSite | undefined {
    for (const [id, site] of Object.entries(this.policy.policy.sites.sites)) if (site.siteKey === siteKey) return { id, policy: site };
    return undefined;
  }

  siteById(id: string): RegisteredSite | undefined {
    const sites = this.policy.policy.sites.sites;
    const site = Object.hasOwn(sites, id) ? sites[id] : undefined;
    return site ? { id, policy: site } : undefined;
  }

  /** Ids of the sites registering this exact origin. */
  sitesWithOrigin(origin: string): Set<string> {
    const out = new Set<string>();
    for (const [id, site] of Object.entries(this.policy.policy.sites.sites)) if (site.origins.includes(origin)) out.add(id);
    return out;
  }

  sanitizer(site: RegisteredSite): Sanitizer {
    if (this.#hash !== this.policy.hash) {
      this.#bySite.clear();
      this.#hash = this.policy.hash;
    }
    let sanitizer = this.#bySite.get(site.id);
    if (!sanitizer) {
      sanitizer = new Sanitizer({
        allowlist: allowlistFromSanitizePolicy(this.policy.policy.sanitize),
        signer: this.signer,
        site: { id: site.id, origins: site.policy.origins },
        maskSelectors: site.policy.maskingSelectors,
        maskInputValues: this.policy.policy.cobrowse.maskInputValues.enabled,
      });
      this.#bySite.set(site.id, sanitizer);
    }
    return sanitizer;
  }
}
