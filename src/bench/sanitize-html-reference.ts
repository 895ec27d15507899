import type sanitizeHtml from "sanitize-html";
import type { SanitizeAllowlist } from "../relay/sanitizer/allowlist.js";
import { CompiledAllowlist } from "../relay/sanitizer/compiled-allowlist.js";

// sanitize-html on its own, for the benchmarks' reference figures: what the library costs
// before any of Airlock's work (attribute decisions, URL rewriting, CSS, masking, node ids).

/**
 * The allowlist's tags (looked up in constant time, as the relay does) with every attribute
 * as it is: sanitize-html emitting what the relay would let through, minus Airlock's hooks.
 */
export function keepAsIsOptions(allowlist: SanitizeAllowlist): sanitizeHtml.IOptions {
  return { allowedTags: new CompiledAllowlist(allowlist).tagList, allowedAttributes: false, allowVulnerableTags: true, parseStyleAttributes: false };
}

/** Nothing at all: what sanitize-html costs before it emits a single tag, attribute or text. */
export const discardAllOptions: sanitizeHtml.IOptions = { allowedTags: [], allowedAttributes: {} };
