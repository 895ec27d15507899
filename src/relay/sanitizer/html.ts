import sanitizeHtml from "sanitize-html";
import { NODE_ID_ATTRIBUTE, parseNodeId, LINK_MARK } from "../../protocol/node-id.js";
import { isStylesheetRel, sanitizeAttribute, type AttributeScope } from "./attributes.js";
import { detached } from "./detached-string.js";
import type { ElementView, MaskMatcher } from "./mask-selectors.js";
import { replaceStyleTexts } from "./style-elements.js";
import { maskTextareaTexts, TEXTAREA_MASK_ATTRIBUTE } from "./textarea-values.js";
import { isSecretField, untargetableMark } from "./untargetable-marks.js";
import { holdsValue, isButtonLabel, maskedValue, masksValue, PRIVATE_FIELD_ATTRIBUTE } from "./value-masks.js";

// HTML sanitizer for snapshots and added subtrees: sanitize-html with the policy allowlist, plus
// hooks that (a) decide every attribute through sanitizeAttribute, (b) drop masked and nosync
// subtrees, (c) enforce node-count and depth limits, and (d) report which node ids survived with
// their parents, so the room's shadow index matches exactly what agents receive, and which of
// them are placeholders or secret fields (judged on the attributes as emitted).

/** A node the shadow index learns about. Masked nodes are recorded so events aimed at them can be refused. */
export interface ShadowEntry {
  readonly id: number;
  readonly tag: string;
  readonly parent: number;
  readonly masked: boolean;
  readonly svg: boolean;
  /** Tag and masking-relevant attributes, kept so masking can be re-checked when they change. */
  readonly view?: ElementView | undefined;
}

export interface FragmentContext {
  readonly scope: AttributeScope;
  readonly masks: MaskMatcher;
  readonly maxNodes: number;
  readonly maxDepth: number;
  /** Parent of the fragment's top-level elements (0 = the document, for snapshots). */
  readonly rootParent: number;
  /** Whether the fragment is inserted inside SVG (changes how browsers parse <style>). */
  readonly rootInSvg: boolean;
  /** The insertion parent and its ancestors (outermost first), for masking selectors with combinators. */
  readonly ancestors?: readonly ElementView[];
  /** Ids the session already knows; a repeated id is stripped, not trusted. */
  readonly isKnownId: (id: number) => boolean;
  /** Policy `cobrowse.maskInputValues`: every form value is masked, not only secret fields'. */
  readonly maskInputValues: boolean;
}

export interface SanitizedFragment {
  readonly html: string;
  readonly nodes: readonly ShadowEntry[];
  /** Emitted masked placeholders (`data-airlock-masked`): agents see them, nothing may target them or below. */
  readonly placeholders: readonly number[];
  /** Emitted password and payment-card fields: shown, never a control target. */
  readonly secretFields: readonly number[];
  /** Emitted form fields whose values are always masked (marked private, or secret by what the page sent). */
  readonly privateFields: readonly number[];
}

export class FragmentLimitError extends Error {
  constructor(readonly code: "too_many_nodes" | "too_deep", message: string) {
    super(message);
  }
}

/** Tags whose content never reaches an agent, even as text, when they are not emitted. */
const nonTextTags = [
  "script", "noscript", "style", "textarea", "option", "xmp", "template", "iframe", "noembed", "noframes",
  "object", "embed", "applet", "math", "plaintext", "frameset", "title", "svg", "select", "foreignobject",
];

interface Frame extends ElementView {
  readonly dropped: boolean;
  readonly svg: boolean;
  id: number | undefined;
}

export function sanitizeFragment(html: string, ctx: FragmentContext): SanitizedFragment {
  const stack: Frame[] = [];
  // What masking selectors see: the page's elements above the fragment, then the open ones.
  const chain: ElementView[] = [...(ctx.ancestors ?? [])];
  const nodes: ShadowEntry[] = [];
  const placeholders: number[] = [];
  const secretFields: number[] = [];
  const privateFields: number[] = [];
  const seen = new Set<number>();
  let count = 0;
  const emittedParent = (): number => {
    for (let i = stack.length - 2; i >= 0; i--) {
      const id = stack[i]?.id;
      if (id !== undefined) return id;
    }
    return ctx.rootParent;
  };
  /** The open <select> an <option> belongs to (through an optgroup) is secret or private. */
  const selectAlwaysMasked = (): boolean => {
    for (let i = stack.length - 2; i >= 0 && i >= stack.length - 3; i--) {
      const f = stack[i];
      if (f?.tag === "select") return alwaysMasked("select", f.attribs);
    }
    return false;
  };
  const claim = (id: number | undefined): id is number => {
    if (id === undefined || seen.has(id) || ctx.isKnownId(id)) return false;
    seen.add(id);
    return true;
  };

  // Dropped elements (masked, nosync, <style> inside SVG, non-stylesheet <link>) are emitted
  // with a marked attribute object and cut out, content and all, by exclusiveFilter when they
  // close. (Renaming them to a discarded tag would trip sanitize-html's rename bookkeeping.)
  const dropped = new WeakSet<object>();
  // Every tag sanitize-html emits comes out of transformTags below; counting the <style> ones
  // there lets a fragment without any skip the scan for their text.
  let styles = 0;
  let maskedTextareas = 0;
  const emit = (tagName: string, attribs: Record<string, string>) => {
    if (tagName === "style") styles++;
    return { tagName, attribs };
  };
  const drop = (name: string) => {
    const attribs = {};
    dropped.add(attribs);
    return emit(ctx.scope.allowlist.allowsTag(name) ? name : "span", attribs);
  };

  const output = sanitizeHtml(html, {
    allowedTags: ctx.scope.allowlist.tagList,
    allowedAttributes: false, // every attribute was decided in transformTags
    allowedSchemes: ["http", "https"],
    allowedSchemesByTag: {},
    allowProtocolRelative: false,
    parseStyleAttributes: false,
    allowVulnerableTags: true, // <style> text goes through the CSS sanitizer below
    disallowedTagsMode: "discard",
    nonTextTags,
    onOpenTag(name: string, attribs: Record<string, string>) {
      if (stack.length >= ctx.maxDepth) throw new FragmentLimitError("too_deep", `elements nested deeper than ${ctx.maxDepth}`);
      if (++count > ctx.maxNodes) throw new FragmentLimitError("too_many_nodes", `more than ${ctx.maxNodes} elements`);
      const parent = stack.at(-1);
      const svg = name === "svg" || (parent ? parent.svg : ctx.rootInSvg);
      const el: ElementView = { tag: name, attribs };
      const dropped = (parent?.dropped ?? false) || holdsOnlyText(parent?.tag) || cutOut(name, attribs, svg) || ctx.masks.matches(el, chain);
      const frame: Frame = { tag: name, attribs, dropped, svg, id: undefined };
      stack.push(frame);
      chain.push(frame);
      if (dropped) {
        const id = parseNodeId(attribs[NODE_ID_ATTRIBUTE]);
        if (claim(id)) nodes.push({ id, tag: detached(name), parent: emittedParent(), masked: true, svg });
      }
    },
    onCloseTag() {
      stack.pop();
      chain.pop();
    },
    exclusiveFilter: (frame) => dropped.has(frame.attribs),
    transformTags: {
      "*": (name: string, attribs: Record<string, string>) => {
        const frame = stack.at(-1);
        if (!frame || frame.dropped) return drop(name);
        if (!ctx.scope.allowlist.allowsTag(name)) return emit(name, {});
        const out: Record<string, string> = {};
        for (const key in attribs) {
          const clean = sanitizeAttribute(name, key, attribs[key] as string, frame.svg, ctx.scope);
          if (clean !== undefined) out[key] = clean;
        }
        delete out[LINK_MARK];
        if (!frame.svg && (name === "a" || name === "area") && (attribs.href ?? "").trim() !== "") out[LINK_MARK] = "";
        // Judged on what the page sent as well as on what is emitted: either makes a field secret.
        const secretOrPrivate = holdsValue(name) && (alwaysMasked(name, attribs) || isSecretField(name, out) || (name === "option" && selectAlwaysMasked()));
        if (masksValue(name, secretOrPrivate, ctx.maskInputValues) && !(isButtonLabel(name, attribs) && !secretOrPrivate)) {
          if (out.value !== undefined) out.value = maskedValue(out.value);
          // A private choice stays on the page, as the visitor script keeps it.
          if (name === "option") delete out.selected;
        }
        if (name === "textarea") {
          delete out[TEXTAREA_MASK_ATTRIBUTE];
          if (masksValue(name, secretOrPrivate, ctx.maskInputValues)) {
            out[TEXTAREA_MASK_ATTRIBUTE] = "1";
            maskedTextareas++;
          }
        }
        const id = parseNodeId(attribs[NODE_ID_ATTRIBUTE]);
        if (claim(id)) {
          out[NODE_ID_ATTRIBUTE] = String(id);
          frame.id = id;
          nodes.push({ id, tag: detached(name), parent: emittedParent(), masked: false, svg: frame.svg, view: ctx.masks.viewOf(frame.tag, frame.attribs) });
          const mark = untargetableMark(name, out);
          if (mark === "masked") placeholders.push(id);
          else if (mark === "protected") secretFields.push(id);
          else if (secretOrPrivate) privateFields.push(id);
        }
        return emit(name, out);
      },
    },
  });
  const styled = styles === 0 ? output : replaceStyleTexts(output, (css) => ctx.scope.css.stylesheet(css));
  const sanitized = maskedTextareas === 0 ? styled : maskTextareaTexts(styled);
  return { html: sanitized, nodes, placeholders, secretFields, privateFields };
}

/**
 * Elements whose content an HTML parser reads as text. The sanitizer's parser can still see an
 * element below one (e.g. a <textarea> left open inside <svg>, where it reads markup); the agent's
 * browser would show that element as text, so it is cut out and never reported as emitted.
 */
const textOnlyParents: ReadonlySet<string> = new Set(["textarea", "title", "style", "script", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"]);

function holdsOnlyText(parentTag: string | undefined): boolean {
  return parentTag !== undefined && textOnlyParents.has(parentTag);
}

/**
 * Elements removed with their content although their tag is allowed: `<style>` inside SVG (its
 * text would be parsed as markup by the agent's browser) and any `<link>` but a stylesheet.
 * Like masked elements, they and everything below them are recorded as masked, never emitted.
 */
function cutOut(tag: string, attribs: Readonly<Record<string, string>>, inSvg: boolean): boolean {
  return (tag === "style" && inSvg) || (tag === "link" && !isStylesheetRel(attribs.rel));
}

/** A form field that is secret or marked private by the attributes the page sent. */
function alwaysMasked(tag: string, attribs: Readonly<Record<string, string>>): boolean {
  return isSecretField(tag, attribs) || Object.hasOwn(attribs, PRIVATE_FIELD_ATTRIBUTE);
}
