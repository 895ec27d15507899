import { FOCUS_MARK, FOCUS_VISIBLE_MARK, FOCUS_WITHIN_MARK, HOVER_MARK, LINK_MARK, NODE_ID_ATTRIBUTE } from "../../protocol/node-id.js";

/** Attributes only the relay and the viewer set: a page that sends one has it dropped. */
const OWN_MARKS: ReadonlySet<string> = new Set([NODE_ID_ATTRIBUTE, LINK_MARK, HOVER_MARK, FOCUS_MARK, FOCUS_VISIBLE_MARK, FOCUS_WITHIN_MARK]);

/**
 * How an attribute's value is decided, which depends only on the tag and the attribute name:
 * `drop` (never emitted), a URL kind, `style`, `rel` (of `<link>`), or `plain` (the value is
 * kept as it is, checked only inside SVG).
 */
export type AttributeKind = "drop" | "plain" | "style" | "rel" | "src" | "poster" | "srcset" | "href";

const validName = /^[a-z_][a-z0-9_.:-]*$/;
/** Bounds the memo: attribute names come from pages, so their number is not ours to choose. */
const memoLimit = 8_192;

/**
 * Per-(tag, name) decisions, computed once per allowlist: every element of every page asks for
 * the same few hundred pairs, so the name check, the never-list and the allowlist lookups run
 * once per pair instead of once per attribute.
 */
export class AttributeKinds {
  readonly #memo = new Map<string, Map<string, AttributeKind>>();
  #size = 0;

  constructor(private readonly allows: (tag: string, name: string) => boolean) {}

  of(tag: string, name: string): AttributeKind {
    let byName = this.#memo.get(tag);
    const known = byName?.get(name);
    if (known !== undefined) return known;
    const kind = this.#decide(tag, name);
    if (this.#size < memoLimit) {
      if (!byName) this.#memo.set(tag, (byName = new Map<string, AttributeKind>()));
      byName.set(name, kind);
      this.#size++;
    }
    return kind;
  }

  #decide(tag: string, name: string): AttributeKind {
    // The relay's and the viewer's own marks never come from a page.
    if (!validName.test(name) || OWN_MARKS.has(name) || !this.allows(tag, name)) return "drop";
    if (name === "style") return "style";
    if (tag === "link" && name === "rel") return "rel";
    switch (name) {
      case "src":
      case "poster":
      case "srcset":
      case "href":
        return name;
      case "xlink:href":
        return "href";
    }
    return "plain";
  }
}
