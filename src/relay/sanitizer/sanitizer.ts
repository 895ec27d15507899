import { LIMITS } from "../../protocol/limits.js";
import type { SanitizeAllowlist } from "./allowlist.js";
import { AssetUrlSigner } from "./asset-url.js";
import { sanitizeAttribute, type AttributeScope } from "./attributes.js";
import { CompiledAllowlist } from "./compiled-allowlist.js";
import { CssScope } from "./css-scope.js";
import { sanitizeFragment, type SanitizedFragment } from "./html.js";
import { newlyMasked, type MaskTree } from "./mask-recheck.js";
import { MaskMatcher, type ElementView } from "./mask-selectors.js";
import { PREVIEW_BINDING, UrlPolicy, type AssetBinding, type SiteScope } from "./url-policy.js";

export interface SanitizerOptions {
  readonly allowlist: SanitizeAllowlist;
  readonly signer: AssetUrlSigner;
  readonly site: SiteScope;
  /** The site's masking selectors (in addition to the cobrowsing_nosync class). */
  readonly maskSelectors: readonly string[];
  readonly maxNodes?: number;
  readonly maxDepth?: number;
  /**
   * Policy `cobrowse.maskInputValues` (default true, private by default): every form value is
   * masked, whatever the page sent. Password and payment-card fields are masked either way.
   */
  readonly maskInputValues?: boolean;
  /** The session (and expiry) the asset proxy URLs it writes are valid for; see forSession. Default: already expired. */
  readonly binding?: AssetBinding;
}

/** Where new content lands: the document (snapshot) or below a known element. */
export interface InsertionPoint {
  readonly parent: number;
  readonly svg: boolean;
  /** The parent and its ancestors as the session knows them (outermost first), for masking selectors. */
  readonly ancestors?: readonly ElementView[];
}

/**
 * Everything page content goes through before an agent sees it, for one site. The `bin/airlock
 * sanitize` command and the relay use this same class.
 */
export class Sanitizer {
  readonly #allowlist: CompiledAllowlist;
  readonly #masks: MaskMatcher;
  readonly #urls: UrlPolicy;
  readonly #maxNodes: number;
  readonly #maxDepth: number;
  readonly maskInputValues: boolean;
  readonly #options: SanitizerOptions;

  constructor(options: SanitizerOptions, compiled?: { readonly allowlist: CompiledAllowlist; readonly masks: MaskMatcher }) {
    this.#options = options;
    this.#allowlist = compiled?.allowlist ?? new CompiledAllowlist(options.allowlist);
    this.#masks = compiled?.masks ?? new MaskMatcher(options.maskSelectors);
    this.#urls = new UrlPolicy(options.signer, options.site, undefined, LIMITS.maxUrlLength, options.binding ?? PREVIEW_BINDING);
    this.#maxNodes = options.maxNodes ?? LIMITS.maxNodesPerSnapshot;
    this.#maxDepth = options.maxDepth ?? LIMITS.maxDepth;
    this.maskInputValues = options.maskInputValues ?? true;
  }

  /**
   * The same sanitizer for one co-browse room: its asset URLs name the session and expire
   * `lifetimeMs` after they are written (the longest a session may run), so none outlives it.
   */
  forSession(session: string, lifetimeMs: number, nowMs: () => number = Date.now): Sanitizer {
    const binding: AssetBinding = { room: session, expires: () => Math.ceil((nowMs() + lifetimeMs) / 1000) };
    return new Sanitizer({ ...this.#options, binding }, { allowlist: this.#allowlist, masks: this.#masks });
  }

  /** Throws FragmentLimitError when the content exceeds node or depth limits. */
  html(html: string, baseUrl: string | undefined, at: InsertionPoint, isKnownId: (id: number) => boolean = () => false): SanitizedFragment {
    return sanitizeFragment(html, {
      scope: this.#scope(baseUrl),
      masks: this.#masks,
      maxNodes: this.#maxNodes,
      maxDepth: this.#maxDepth,
      rootParent: at.parent,
      rootInSvg: at.svg,
      ...(at.ancestors ? { ancestors: at.ancestors } : {}),
      isKnownId,
      maskInputValues: this.maskInputValues,
    });
  }

  attribute(tag: string, name: string, value: string, svg: boolean, baseUrl: string | undefined): string | undefined {
    return sanitizeAttribute(tag, name.toLowerCase(), value, svg, this.#scope(baseUrl));
  }

  /** Text of a <style> element. */
  stylesheet(css: string, baseUrl: string | undefined): string {
    return this.#scope(baseUrl).css.stylesheet(css);
  }

  /**
   * Element ids that an attribute change makes masked (the element itself, or elements below it
   * that a site selector now matches); the session drops them and tells agents to remove them.
   */
  newlyMasked(tree: MaskTree, id: number, name: string, value: string | null): number[] {
    return newlyMasked(tree, this.#masks, id, name, value);
  }

  allowsTag(tag: string): boolean {
    return this.#allowlist.allowsTag(tag);
  }

  #scope(baseUrl: string | undefined): AttributeScope {
    const urls = this.#urls.withBase(baseUrl);
    return { allowlist: this.#allowlist, urls, maxLength: LIMITS.maxAttributeLength, css: new CssScope(urls, this.#allowlist.css) };
  }
}
