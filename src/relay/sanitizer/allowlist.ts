import type { CssAllowlist } from "./css-rules.js";

// What the sanitizer lets through: tags and attributes, as data. The shipped allowlist lives in
// policies/sanitize.yaml once the policy engine loads it; `defaultAllowlist` is the same content
// for code paths that run without policies. Some things are never allowed whatever a policy says:
// see `neverTags` / `isNeverAttribute` (script-capable markup, frames, plugins, event handlers).

export interface SanitizeAllowlist {
  /** CSS properties and at-rules allowed in style attributes, <style> text and proxied stylesheets. */
  readonly css: CssAllowlist;
  /** Lower-case tag names (SVG names too, lower-cased as the HTML parser does). */
  readonly tags: readonly string[];
  /** Attributes allowed on every allowed tag; `data-*` and `aria-*` globs allowed. */
  readonly globalAttributes: readonly string[];
  /** Extra attributes per tag. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
  /**
   * `<link rel="stylesheet">` passes with its href rewritten to the asset proxy (which sends the
   * CSS through the CSS sanitizer), and only `href`, `rel`, `media`, `type`. No other link type
   * ever passes: `link` is not an ordinary tag of the allowlist. Off when absent.
   */
  readonly linkedStylesheets?: boolean;
}

export const neverTags: ReadonlySet<string> = new Set([
  "script", "noscript", "base", "meta", "link", "object", "embed", "applet", "iframe", "frame", "frameset",
  "template", "math", "foreignobject", "portal", "fencedframe", "noembed", "noframes", "plaintext",
  "xmp", "listing", "param", "animate", "animatemotion", "animatetransform", "set", "handler",
  "discard", "script", "slot",
]);

const neverAttributes: ReadonlySet<string> = new Set([
  "srcdoc", "formaction", "action", "ping", "data", "codebase", "archive", "classid", "background",
  "lowsrc", "dynsrc", "manifest", "longdesc", "cite", "usemap", "xmlns", "is", "nonce",
  "http-equiv", "autofocus", "popovertarget", "commandfor", "command", "attributename", "from", "to", "values", "by",
]);

export function isNeverAttribute(name: string): boolean {
  return name.startsWith("on") || neverAttributes.has(name) || name.startsWith("xmlns:");
}

const svgTags = [
  "svg", "g", "path", "circle", "ellipse", "line", "polyline", "polygon", "rect", "text", "tspan",
  "defs", "use", "symbol", "lineargradient", "radialgradient", "stop", "clippath", "mask", "desc", "image", "pattern",
];
const svgAttributes = [
  "viewbox", "width", "height", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "d", "points", "fill",
  "fill-opacity", "fill-rule", "clip-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
  "stroke-dasharray", "stroke-opacity", "opacity", "transform", "preserveaspectratio", "offset", "stop-color",
  "stop-opacity", "gradientunits", "gradienttransform", "clip-path", "mask", "xmlns", "focusable", "href", "xlink:href",
  "text-anchor", "font-size", "font-family", "font-weight", "dx", "dy", "patternunits",
];

/** The CSS part of the shipped policies/sanitize.yaml. */
export const defaultCssAllowlist: CssAllowlist = {
  properties: [
    "display", "position", "top", "right", "bottom", "left", "inset", "z-index", "float", "clear", "visibility",
    "opacity", "overflow", "overflow-x", "overflow-y", "clip", "clip-path", "box-sizing", "width", "min-width",
    "max-width", "height", "min-height", "max-height", "aspect-ratio", "margin", "margin-top", "margin-right",
    "margin-bottom", "margin-left", "margin-block", "margin-inline", "padding", "padding-top", "padding-right",
    "padding-bottom", "padding-left", "padding-block", "padding-inline", "border", "border-top", "border-right",
    "border-bottom", "border-left", "border-width", "border-style", "border-color", "border-top-width",
    "border-right-width", "border-bottom-width", "border-left-width", "border-top-style", "border-right-style",
    "border-bottom-style", "border-left-style", "border-top-color", "border-right-color", "border-bottom-color",
    "border-left-color", "border-radius", "border-top-left-radius", "border-top-right-radius",
    "border-bottom-left-radius", "border-bottom-right-radius", "border-collapse", "border-spacing", "border-image",
    "outline", "outline-width", "outline-style", "outline-color", "outline-offset", "box-shadow", "background",
    "background-color", "background-image", "background-position", "background-size", "background-repeat",
    "background-clip", "background-origin", "background-attachment", "color", "font", "font-family", "font-size",
    "font-weight", "font-style", "font-variant", "font-stretch", "font-display", "font-feature-settings",
    "line-height", "letter-spacing", "word-spacing", "text-align", "text-decoration", "text-decoration-line",
    "text-decoration-color", "text-decoration-style", "text-transform", "text-indent", "text-overflow",
    "text-shadow", "white-space", "word-break", "overflow-wrap", "word-wrap", "hyphens", "vertical-align",
    "direction", "unicode-bidi", "writing-mode", "list-style", "list-style-type", "list-style-position",
    "list-style-image", "table-layout", "caption-side", "empty-cells", "flex", "flex-direction", "flex-wrap",
    "flex-flow", "flex-grow", "flex-shrink", "flex-basis", "justify-content", "align-items", "align-self",
    "align-content", "order", "gap", "row-gap", "column-gap", "place-items", "place-content", "place-self",
    "justify-items", "justify-self", "grid", "grid-template", "grid-template-columns", "grid-template-rows",
    "grid-template-areas", "grid-area", "grid-column", "grid-row", "grid-column-start", "grid-column-end",
    "grid-row-start", "grid-row-end", "grid-auto-flow", "grid-auto-columns", "grid-auto-rows", "columns",
    "column-count", "column-width", "transform", "transform-origin", "transition", "animation", "animation-name",
    "animation-duration", "animation-delay", "animation-iteration-count", "animation-direction",
    "animation-fill-mode", "animation-timing-function", "cursor", "pointer-events", "user-select", "resize",
    "object-fit", "object-position", "content", "quotes", "counter-reset", "counter-increment", "filter",
    "backdrop-filter", "mix-blend-mode", "isolation", "will-change", "contain", "appearance", "accent-color",
    "caret-color", "scroll-behavior", "src", "unicode-range", "fill", "stroke", "stroke-width",
    // Logical box properties and the older names Chromium still reads (see policies/sanitize.yaml).
    "margin-inline-start", "margin-inline-end", "margin-block-start", "margin-block-end", "margin-start", "margin-end",
    "padding-inline-start", "padding-inline-end", "padding-block-start", "padding-block-end", "padding-start",
    "padding-end", "inset-inline", "inset-block", "inset-inline-start", "inset-inline-end", "inset-block-start",
    "inset-block-end", "inline-size", "block-size", "min-inline-size", "max-inline-size", "min-block-size",
    "max-block-size", "border-inline", "border-block", "border-inline-start", "border-inline-end", "border-block-start",
    "border-block-end", "border-inline-width", "border-inline-style", "border-inline-color", "border-block-width",
    "border-block-style", "border-block-color", "border-start-start-radius", "border-start-end-radius",
    "border-end-start-radius", "border-end-end-radius", "text-underline-offset", "text-decoration-thickness",
    "text-underline-position", "tab-size", "font-variant-numeric", "font-variant-ligatures", "font-kerning",
    "scroll-margin-top", "scroll-padding-top", "overscroll-behavior", "text-wrap",
    // SVG painting and text placement set from CSS.
    "text-anchor", "dominant-baseline", "alignment-baseline", "fill-opacity", "fill-rule", "stroke-opacity", "stroke-linecap",
    "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "stop-color", "stop-opacity", "clip-rule",
    "paint-order", "shape-rendering", "text-rendering",
  ],
  atRules: ["media", "supports", "font-face", "keyframes", "layer", "container", "scope"],
};

export const defaultAllowlist: SanitizeAllowlist = {
  css: defaultCssAllowlist,
  linkedStylesheets: true,
  tags: [
    "html", "head", "body", "title", "style", "div", "span", "p", "a", "h1", "h2", "h3", "h4", "h5", "h6",
    "ul", "ol", "li", "dl", "dt", "dd", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup",
    "col", "img", "picture", "source", "video", "audio", "track", "form", "input", "textarea", "select", "option",
    "optgroup", "button", "label", "fieldset", "legend", "header", "footer", "nav", "main", "section", "article",
    "aside", "figure", "figcaption", "blockquote", "pre", "code", "em", "strong", "b", "i", "u", "s", "small", "sub",
    "sup", "br", "hr", "wbr", "abbr", "address", "cite", "q", "mark", "time", "details", "summary", "canvas", "center",
    "font", "kbd", "samp", "var", "del", "ins", "bdi", "bdo", "ruby", "rt", "rp", "meter", "progress", "output",
    "dfn", "data", "search", "menu", "hgroup", "big", "tt", "strike", "nobr",
    ...svgTags,
  ],
  globalAttributes: [
    "class", "id", "title", "lang", "dir", "role", "hidden", "tabindex", "style", "translate", "draggable", "data-*", "aria-*",
  ],
  attributes: {
    body: ["text", "link", "vlink", "alink"],
    a: ["href", "target", "rel", "name"],
    img: ["src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"],
    source: ["src", "srcset", "sizes", "type", "media", "width", "height"],
    video: ["src", "poster", "width", "height", "controls", "muted", "loop", "playsinline", "preload"],
    audio: ["src", "controls", "muted", "loop", "preload"],
    track: ["src", "kind", "srclang", "label", "default"],
    input: ["type", "name", "value", "placeholder", "checked", "disabled", "readonly", "size", "maxlength", "minlength",
      "min", "max", "step", "required", "multiple", "autocomplete", "inputmode", "pattern", "list", "alt", "src", "width", "height"],
    textarea: ["name", "rows", "cols", "placeholder", "disabled", "readonly", "maxlength", "required", "wrap"],
    select: ["name", "disabled", "multiple", "required", "size"],
    option: ["value", "selected", "disabled", "label"],
    optgroup: ["label", "disabled"],
    button: ["type", "name", "value", "disabled"],
    label: ["for"],
    form: ["name", "method", "autocomplete", "novalidate"],
    fieldset: ["disabled", "name"],
    table: ["border", "cellpadding", "cellspacing", "width", "align", "summary", "bgcolor"],
    td: ["colspan", "rowspan", "headers", "width", "height", "align", "valign", "nowrap", "bgcolor"],
    th: ["colspan", "rowspan", "headers", "scope", "abbr", "width", "height", "align", "valign", "nowrap", "bgcolor"],
    tr: ["align", "valign", "bgcolor"],
    col: ["span", "width"],
    colgroup: ["span", "width"],
    ol: ["start", "reversed", "type"],
    li: ["value"],
    time: ["datetime"],
    data: ["value"],
    del: ["datetime"],
    ins: ["datetime"],
    details: ["open", "name"],
    canvas: ["width", "height"],
    meter: ["value", "min", "max", "low", "high", "optimum"],
    progress: ["value", "max"],
    font: ["color", "face", "size"],
    div: ["align"],
    p: ["align"],
    hr: ["width", "size", "noshade", "align"],
    ...Object.fromEntries(svgTags.map((t) => [t, svgAttributes])),
  },
};
