import { tokenize, tokenTypes as T } from "css-tree";

// The last word on CSS the sanitizer emits: a walk over the exact text an agent's browser will
// read, token by token as CSS Syntax tokenizes it, that accepts the text only when it can fetch
// nothing but the asset proxy. An allowlist, not a list of known tricks:
// - every function must be one known to compute a value or match elements without naming a
//   resource; `url()` and `image-set()` are the only ones that can fetch, and take proxy URLs only;
// - inside `image-set()` (at any depth) every string is a URL, so each must be a proxy URL, and
//   `var()` is refused there: a custom property can hold any string, so a URL would hide in it;
// - every url token and every string of an `@import` prelude must be a proxy URL;
// - escapes in function names and at-keywords are refused (`u\72 l(` is `url(` to a browser);
//   bad urls, bad strings and NUL (which browsers read as U+FFFD) are refused.
// Nesting follows the browser's: a closing bracket ends the innermost open block only when it
// matches it, and a function holds everything up to its own `)`, whatever the text around says.
// Text that leaves a string, function or block open is refused: it would swallow what follows.

/** Functions that never fetch, in values, selectors and at-rule preludes (lower case). */
export const nonFetchingFunctions: ReadonlySet<string> = new Set([
  // colours
  "rgb", "rgba", "hsl", "hsla", "hwb", "lab", "lch", "oklab", "oklch", "color", "color-mix", "light-dark", "device-cmyk",
  // maths
  "calc", "-webkit-calc", "-moz-calc", "calc-size", "min", "max", "clamp", "round", "mod", "rem", "abs", "sign", "sin", "cos", "tan",
  "asin", "acos", "atan", "atan2", "pow", "sqrt", "hypot", "log", "exp",
  // custom properties (refused inside image-set, see above)
  "var",
  // transforms
  "translate", "translatex", "translatey", "translatez", "translate3d", "scale", "scalex", "scaley", "scalez", "scale3d",
  "rotate", "rotatex", "rotatey", "rotatez", "rotate3d", "skew", "skewx", "skewy", "matrix", "matrix3d", "perspective",
  // gradients (images computed from colours)
  "linear-gradient", "radial-gradient", "conic-gradient", "repeating-linear-gradient", "repeating-radial-gradient",
  "repeating-conic-gradient", "-webkit-linear-gradient", "-webkit-radial-gradient", "-webkit-repeating-linear-gradient",
  "-webkit-repeating-radial-gradient", "-moz-linear-gradient", "-moz-radial-gradient", "-moz-repeating-linear-gradient",
  "-moz-repeating-radial-gradient", "-o-linear-gradient", "-o-radial-gradient", "-webkit-gradient", "from", "to", "color-stop",
  // filters, easing, grid, generated content, shapes, timelines
  "blur", "brightness", "contrast", "drop-shadow", "grayscale", "hue-rotate", "invert", "opacity", "saturate", "sepia",
  "cubic-bezier", "steps", "linear", "repeat", "minmax", "fit-content", "counter", "counters", "symbols",
  // generated content from the element's own (sanitized) attributes; never a URL (attr() values are tainted for url())
  "attr", "rect", "inset", "circle",
  "ellipse", "polygon", "path", "xywh", "scroll", "view", "anchor", "anchor-size",
  // @font-face src: a format, a technology, or a font installed on the agent's machine
  "format", "tech", "local",
  // at-rule preludes: @supports, @container, @import conditions
  "selector", "font-format", "font-tech", "style", "scroll-state", "layer", "supports",
  // selectors
  "not", "is", "where", "has", "matches", "-webkit-any", "-moz-any", "nth-child", "nth-last-child", "nth-of-type",
  "nth-last-of-type", "nth-col", "nth-last-col", "lang", "dir", "host", "host-context", "part", "slotted", "state",
  "highlight", "cue", "picker", "active-view-transition-type", "view-transition-group", "view-transition-image-pair",
  "view-transition-old", "view-transition-new",
]);

const imageSets: ReadonlySet<string> = new Set(["image-set", "-webkit-image-set"]);

interface Frame {
  /** Lower-case function name, or the opening bracket of a simple block. */
  readonly name: string;
  readonly closer: number;
  /** Inside image-set(), at this frame or above. */
  readonly inImageSet: boolean;
  /** Strings seen directly in a url() function. */
  strings: number;
}

/** True when `css` (a stylesheet, a declaration list or one value) can fetch only from URLs `isProxyUrl` accepts. */
export function fetchesOnlyProxy(css: string, isProxyUrl: (url: string) => boolean): boolean {
  if (css.includes("\0")) return false;
  const stack: Frame[] = [];
  let ok = true;
  /** Depth of the open @import prelude (-1: none). */
  let importDepth = -1;
  tokenize(css, (type, start, end) => {
    if (!ok) return;
    const top = stack.at(-1);
    switch (type) {
      case T.Function: {
        const raw = css.slice(start, end - 1);
        if (raw.includes("\\")) return void (ok = false);
        const name = raw.toLowerCase();
        const inImageSet = top?.inImageSet === true;
        if (top?.name === "url" || top?.name === "attr") return void (ok = false);
        if (name === "url" || imageSets.has(name) || (name === "type" && inImageSet) || (nonFetchingFunctions.has(name) && !((name === "var" || name === "attr") && inImageSet))) {
          stack.push({ name, closer: T.RightParenthesis, inImageSet: inImageSet || imageSets.has(name), strings: 0 });
          return;
        }
        return void (ok = false);
      }
      case T.LeftParenthesis:
      case T.LeftSquareBracket:
      case T.LeftCurlyBracket: {
        if (top?.name === "url") return void (ok = false);
        if (type === T.LeftCurlyBracket && importDepth === stack.length) importDepth = -1;
        const closer = type === T.LeftParenthesis ? T.RightParenthesis : type === T.LeftSquareBracket ? T.RightSquareBracket : T.RightCurlyBracket;
        stack.push({ name: css[start] ?? "", closer, inImageSet: top?.inImageSet === true, strings: 0 });
        return;
      }
      case T.RightParenthesis:
      case T.RightSquareBracket:
      case T.RightCurlyBracket:
        if (top?.closer === type) {
          if (top.name === "url" && top.strings !== 1) return void (ok = false);
          stack.pop();
          if (importDepth > stack.length) importDepth = -1;
        }
        return;
      case T.Semicolon:
        if (importDepth === stack.length) importDepth = -1;
        if (top?.name === "url") ok = false;
        return;
      case T.AtKeyword: {
        const name = css.slice(start + 1, end);
        if (name.includes("\\")) return void (ok = false);
        if (name.toLowerCase() === "import") importDepth = stack.length;
        return;
      }
      case T.String: {
        // A string left open runs to the end of the text: whatever follows in the page joins it.
        if (!closedString(css, start, end)) return void (ok = false);
        const quoted = css.slice(start + 1, end - 1);
        const mustBeProxy = top?.name === "url" || (top?.inImageSet === true && top.name !== "type") || importDepth === stack.length;
        if (top?.name === "url") top.strings++;
        if (mustBeProxy && (quoted.includes("\\") || !isProxyUrl(quoted))) ok = false;
        return;
      }
      case T.Url: {
        if (css[end - 1] !== ")") return void (ok = false);
        const inner = css.slice(css.indexOf("(", start) + 1, end - 1).trim();
        if (inner.includes("\\") || !isProxyUrl(inner)) ok = false;
        return;
      }
      case T.BadUrl:
      case T.BadString:
        ok = false;
        return;
      case T.WhiteSpace:
      case T.Comment:
        return;
      default:
        // Idents, numbers, delimiters, colons, commas: nothing that fetches, but nothing may sit
        // in a url() besides its one string.
        if (top?.name === "url") ok = false;
        // attr() names one attribute (and may give a string fallback): no type, so never a URL.
        if (top?.name === "attr" && (type !== T.Ident || ++top.strings > 1) && type !== T.Comma) ok = false;
    }
  });
  // Anything left open would take in whatever text follows it in the page.
  return ok && stack.length === 0;
}

/** Whether the string token at [start, end) ends with its own quote (not an escaped one, not the end of the text). */
function closedString(css: string, start: number, end: number): boolean {
  if (end - start < 2 || css[end - 1] !== css[start]) return false;
  let backslashes = 0;
  for (let i = end - 2; i > start && css[i] === "\\"; i--) backslashes++;
  return backslashes % 2 === 0;
}
