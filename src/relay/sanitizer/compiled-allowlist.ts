import { isNeverAttribute, neverTags, type SanitizeAllowlist } from "./allowlist.js";
import { AttributeKinds, type AttributeKind } from "./attribute-kinds.js";
import { CssRules } from "./css-rules.js";
import { TagSet } from "./tag-set.js";

/** The only attributes a linked stylesheet keeps, whatever else the allowlist allows everywhere. */
const linkAttributes: ReadonlySet<string> = new Set(["href", "rel", "media", "type"]);

/** Names the HTML standard reserves although they have a hyphen (never custom elements). */
const reservedHyphenNames: ReadonlySet<string> = new Set(["annotation-xml", "color-profile", "font-face", "font-face-src", "font-face-uri", "font-face-format", "font-face-name", "missing-glyph"]);

/**
 * A custom element's name (`fancy-card`): web components are everywhere on real pages, and the
 * page's styles name them. In the page copy no definition exists and no script runs, so such an
 * element is an inert box like a <span>, with only the global attributes.
 */
export function isCustomElementName(tag: string): boolean {
  return /^[a-z][a-z0-9._]*-[a-z0-9._-]*$/.test(tag) && !reservedHyphenNames.has(tag);
}

/** The allowlist as sets, with the never-lists applied (a policy can not re-enable them). */
export class CompiledAllowlist {
  readonly tags: ReadonlySet<string>;
  /** The same tags in the shape sanitize-html takes, with constant-time lookups. */
  readonly tagList: TagSet;
  readonly css: CssRules;
  readonly #global: ReadonlySet<string>;
  readonly #perTag: ReadonlyMap<string, ReadonlySet<string>>;
  readonly #dataAttrs: boolean;
  readonly #ariaAttrs: boolean;
  readonly source: SanitizeAllowlist;
  /** `<link>` passes, as a stylesheet only (see SanitizeAllowlist.linkedStylesheets). */
  readonly linkedStylesheets: boolean;
  readonly #kinds = new AttributeKinds((tag, name) => this.allowsAttribute(tag, name));

  constructor(allowlist: SanitizeAllowlist) {
    this.source = allowlist;
    this.linkedStylesheets = allowlist.linkedStylesheets === true;
    const tags = new Set(allowlist.tags.map((t) => t.toLowerCase()).filter((t) => !neverTags.has(t)));
    if (this.linkedStylesheets) tags.add("link");
    this.tags = tags;
    this.tagList = new TagSet(this.tags, isCustomElementName);
    this.css = new CssRules(allowlist.css);
    this.#global = new Set(allowlist.globalAttributes.map((a) => a.toLowerCase()));
    this.#dataAttrs = this.#global.has("data-*");
    this.#ariaAttrs = this.#global.has("aria-*");
    this.#perTag = new Map(Object.entries(allowlist.attributes).map(([t, attrs]) => [t.toLowerCase(), new Set(attrs.map((a) => a.toLowerCase()))]));
  }

  allowsTag(tag: string): boolean {
    return this.tags.has(tag) || isCustomElementName(tag);
  }

  /** How an attribute of this tag is decided (`drop` when it never reaches an agent). */
  attributeKind(tag: string, name: string): AttributeKind {
    return this.#kinds.of(tag, name);
  }

  allowsAttribute(tag: string, name: string): boolean {
    if (isNeverAttribute(name)) return false;
    if (tag === "link") return linkAttributes.has(name);
    if (this.#global.has(name) || this.#perTag.get(tag)?.has(name)) return true;
    return (this.#dataAttrs && name.startsWith("data-")) || (this.#ariaAttrs && name.startsWith("aria-"));
  }
}
