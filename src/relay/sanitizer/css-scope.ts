import { sanitizeDeclarations, sanitizeStylesheet } from "./css.js";
import type { CssRules } from "./css-rules.js";
import type { UrlPolicy } from "./url-policy.js";

const memoLimit = 4_096;
const memoMaxLength = 4_096;

/**
 * CSS sanitizing for one piece of content (one snapshot, one added subtree, one mutation): the
 * page's base URL, the policy's CSS allowlist, and a memo of results, because real pages repeat
 * the same style attribute many times (parsing CSS is the costliest part of sanitizing). The
 * memo lives only as long as this object, which never outlives the call that made it.
 */
export class CssScope {
  readonly #memo = new Map<string, string>();

  constructor(
    private readonly urls: UrlPolicy,
    private readonly rules: CssRules,
  ) {}

  /** A style attribute's value. */
  declarations(css: string): string {
    return this.#memoized("d", css, () => sanitizeDeclarations(css, this.urls, this.rules));
  }

  /** The text of a <style> element or a stylesheet. */
  stylesheet(css: string): string {
    return this.#memoized("s", css, () => sanitizeStylesheet(css, this.urls, this.rules));
  }

  #memoized(kind: string, css: string, run: () => string): string {
    if (css.length > memoMaxLength) return run();
    const key = kind + css;
    const known = this.#memo.get(key);
    if (known !== undefined) return known;
    const out = run();
    if (this.#memo.size < memoLimit) this.#memo.set(key, out);
    return out;
  }
}
