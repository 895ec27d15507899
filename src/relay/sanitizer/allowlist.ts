// What the sanitizer lets through: tags and attributes, as data. The shipped allowlist lives in
// policies/sanitize.yaml once the policy engine loads it; `defaultAllowlist` is the same content
// for code paths that run without policies. Some things are never allowed whatever a policy says:
// see `neverTags` / `isNeverAttribute` (script-capable markup, frames, plugins, event handlers).

export interface SanitizeAllowlist {
  /** Lower-case tag names (SVG names too, lower-cased as the HTML parser does). */
  readonly tags: readonly string[];
  /** Attributes allowed on every allowed tag; `data-*` and `aria-*` globs allowed. */
  readonly globalAttributes: readonly string[];
  /** Extra attributes per tag. */
  readonly attributes: Readonly<Record<string, readonly string[]>>;
}

export const neverTags: ReadonlySet<string> = new Set([
  "script", "noscript", "base", "meta", "object", "embed", "applet", "iframe", "frame", "frameset",
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

export const defaultAllowlist: SanitizeAllowlist = {
  tags: [
    "html", "head", "body", "title", "style", "link", "div", "span", "p", "a", "h1", "h2", "h3", "h4", "h5", "h6",
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
    a: ["href", "target", "rel", "name"],
    img: ["src", "srcset", "sizes", "alt", "width", "height", "loading", "decoding"],
    source: ["src", "srcset", "sizes", "type", "media", "width", "height"],
    video: ["src", "poster", "width", "height", "controls", "muted", "loop", "playsinline", "preload"],
    audio: ["src", "controls", "muted", "loop", "preload"],
    track: ["src", "kind", "srclang", "label", "default"],
    link: ["href", "rel", "media", "type", "crossorigin"],
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
