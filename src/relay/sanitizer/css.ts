import * as csstree from "css-tree";
import type { AssetKind } from "./asset-url.js";
import { fetchesOnlyProxy, nonFetchingFunctions } from "./css-proof.js";
import { plainDeclarations } from "./css-plain-declarations.js";
import type { CssRules } from "./css-rules.js";
import { FOCUS_MARK, FOCUS_VISIBLE_MARK, FOCUS_WITHIN_MARK, HOVER_MARK, LINK_MARK } from "../../protocol/node-id.js";

// CSS sanitizer for <style> text, style attributes and proxied stylesheets, built on css-tree.
// Everything that can fetch (url(), image-set(), @import) is rewritten through `proxy` or
// dropped, and every function must be one that fetches nothing (css-proof.ts); escaped names are
// refused rather than decoded: browsers decode CSS escapes, so `u\72 l(` is a url. Properties
// and at-rules must be on the policy's CSS allowlist (`CssRules`); the fixed deny list below holds
// what a policy must never re-enable. Whatever comes out is then proven, as the text a browser
// will tokenize, to fetch from the asset proxy only (`fetchesOnlyProxy`); output that fails the
// proof is sanitized again proving each declaration, rule and at-rule on its own, and dropped
// whole if it still fails.

/** Where URLs go: the asset proxy URL for a page URL (undefined: drop it), and how to recognise one. */
export interface CssUrls {
  proxy(raw: string, kind: AssetKind): string | undefined;
  /** Whether a URL in the output is an asset proxy URL; the proof accepts nothing else. */
  isProxyUrl(url: string): boolean;
}

const deniedProperties: ReadonlySet<string> = new Set(["behavior", "-ms-behavior", "-moz-binding", "binding", "-o-link", "-o-link-source"]);
const imageSetFunctions: ReadonlySet<string> = new Set(["image-set", "-webkit-image-set"]);

const mayNameResource = /[(\\]/;

type ParseContext = "stylesheet" | "declarationList";

interface Pass {
  readonly urls: CssUrls;
  readonly rules: CssRules;
  /** Second pass: every kept piece is proven on its own. */
  readonly proveEach: boolean;
}

/** A declaration value as structured nodes, or undefined when the parser cannot structure it. */
function parseValue(raw: string): csstree.Value | undefined {
  try {
    // var() fallbacks structured too, so url()s inside them are rewritten like any other.
    const value = csstree.parse(raw, { context: "value", positions: false, parseCustomProperty: true });
    return value.type === "Value" ? value : undefined;
  } catch {
    return undefined;
  }
}

export function sanitizeStylesheet(css: string, urls: CssUrls, rules: CssRules): string {
  return proven(css, "stylesheet", urls, rules);
}

/** For style attributes (a declaration list without braces). */
export function sanitizeDeclarations(css: string, urls: CssUrls, rules: CssRules): string {
  return plainDeclarations(css, (name) => keepProperty(name, rules)) ?? proven(css, "declarationList", urls, rules);
}

/** A property (lower-case) may reach an agent: never a denied or escaped one, otherwise as the allowlist says. */
function keepProperty(property: string, rules: CssRules): boolean {
  if (property.includes("\\") || deniedProperties.has(property)) return false;
  return property.startsWith("--") || rules.allowsProperty(property);
}

function proven(css: string, context: ParseContext, urls: CssUrls, rules: CssRules): string {
  const isProxyUrl = (url: string) => urls.isProxyUrl(url);
  const out = sanitize(css, context, { urls, rules, proveEach: false });
  if (fetchesOnlyProxy(out, isProxyUrl)) return out;
  const careful = sanitize(css, context, { urls, rules, proveEach: true });
  return fetchesOnlyProxy(careful, isProxyUrl) ? careful : "";
}

function sanitize(css: string, context: ParseContext, pass: Pass): string {
  if (css.trim() === "") return "";
  const ast = csstree.parse(css, {
    context,
    // Values stay unparsed text here; keepDeclaration parses the few that can name a resource.
    parseValue: false,
    parseRulePrelude: false,
    parseAtrulePrelude: true,
    parseCustomProperty: false,
    positions: false,
    onParseError: () => undefined,
  });
  const doomed: { item: csstree.ListItem<csstree.CssNode>; list: csstree.List<csstree.CssNode> }[] = [];
  csstree.walk(ast, {
    enter(this: csstree.WalkContext, node: csstree.CssNode, item: csstree.ListItem<csstree.CssNode> | undefined, list: csstree.List<csstree.CssNode> | undefined) {
      if (!item || !list) return;
      // Text the parser could not structure as a rule or declaration never passes.
      if (node.type === "Raw" && !this.declaration && !this.atrulePrelude) {
        doomed.push({ item, list });
        return csstree.walk.skip;
      }
      if (node.type === "Atrule" && !keepAtRule(node, pass)) {
        doomed.push({ item, list });
        return csstree.walk.skip;
      }
      // Selectors cannot fetch, but a prelude the parser left unstructured must not smuggle
      // block or at-rule syntax into the output.
      if (node.type === "Rule" && node.prelude.type === "Raw" && !keepSelector(node.prelude.value, pass)) {
        doomed.push({ item, list });
        return csstree.walk.skip;
      }
      if (node.type === "Rule" && node.prelude.type === "Raw") node.prelude.value = copyFocusSelector(copyHoverSelector(copyLinkSelector(node.prelude.value)));
      if (node.type === "Declaration" && !keepDeclaration(node, pass)) {
        doomed.push({ item, list });
        return csstree.walk.skip;
      }
      return undefined;
    },
  });
  for (const { item, list } of doomed) list.remove(item);
  // `<` never appears in the output, so the text can sit in a <style> element in any parsing
  // context without closing it or opening markup.
  return csstree.generate(ast).replace(/</g, "\\3c ");
}

/**
 * Links in the page copy carry no href (they name no destination), so `:link`, `:any-link` and
 * `[href]` would match nothing there: they select the mark the sanitizer leaves on links instead.
 * (`[href^=…]` and the like stay as they are: they still match nothing, rather than every link.)
 */
export function copyLinkSelector(prelude: string): string {
  return prelude.replace(/:(?:-webkit-|-moz-)?(?:any-)?link(?![\w-])|\[\s*href\s*\]/gi, `[${LINK_MARK}]`);
}

/**
 * The agent's own pointer never hovers the page copy: `:hover` selects the mark the viewer puts on
 * the element under the visitor's pointer and its ancestors (HOVER_MARK), so the copy shows the
 * visitor's hover styles. An escaped colon is part of a class name (`.md\:hover\:x`), not a
 * pseudo-class, and stays as written.
 */
export function copyHoverSelector(prelude: string): string {
  return prelude.replace(/(?<!\\):hover(?![\w-])/gi, `[${HOVER_MARK}]`);
}

/**
 * Likewise for focus: the agent's own focus in the copy never shows, the visitor's does.
 * `:focus-visible` selects the mark of keyboard focus, `:focus-within` the mark on the focused
 * element and its ancestors, `:focus` the focused element's mark.
 */
export function copyFocusSelector(prelude: string): string {
  return prelude
    .replace(/(?<!\\):focus-visible(?![\w-])/gi, `[${FOCUS_VISIBLE_MARK}]`)
    .replace(/(?<!\\):focus-within(?![\w-])/gi, `[${FOCUS_WITHIN_MARK}]`)
    .replace(/(?<!\\):focus(?![\w-])/gi, `[${FOCUS_MARK}]`);
}

function keepSelector(prelude: string, pass: Pass): boolean {
  if (/[@{};]|url\s*\(/i.test(prelude)) return false;
  return !pass.proveEach || !prelude.includes("(") || fetchesOnlyProxy(prelude, (u) => pass.urls.isProxyUrl(u));
}

function keepAtRule(node: csstree.Atrule, pass: Pass): boolean {
  const name = node.name.toLowerCase();
  if (name.includes("\\")) return false;
  if (name !== "import") {
    if (!pass.rules.allowsAtRule(name)) return false;
    return !pass.proveEach || !node.prelude || fetchesOnlyProxy(csstree.generate(node.prelude), (u) => pass.urls.isProxyUrl(u));
  }
  let kept = false;
  let refused = false;
  csstree.walk(node.prelude ?? { type: "Raw", value: "" }, (child: csstree.CssNode) => {
    if (child.type === "Url" || child.type === "String") {
      const target = pass.urls.proxy(child.value, "style");
      if (target === undefined) refused = true;
      else {
        child.value = target;
        kept = true;
      }
    } else if (child.type === "Raw" || child.type === "Function") refused = true;
  });
  if (!kept || refused) return false;
  return !pass.proveEach || fetchesOnlyProxy(`@import ${csstree.generate(node.prelude ?? { type: "Raw", value: "" })};`, (u) => pass.urls.isProxyUrl(u));
}

function keepDeclaration(node: csstree.Declaration, pass: Pass): boolean {
  const property = node.property.toLowerCase();
  if (!keepProperty(property, pass.rules)) return false;
  const isProxyUrl = (u: string) => pass.urls.isProxyUrl(u);
  if (node.value.type === "Raw") {
    const raw = node.value.value;
    // Without a parenthesis or an escape a value names no function, url() or resource: kept
    // as written. Most values on real pages are like this, and parsing them was the main cost.
    if (!mayNameResource.test(raw)) return true;
    const value = parseValue(raw);
    // Custom property values can be any tokens; what the value parser cannot structure is kept
    // only when the text as written proves harmless.
    if (!value) return fetchesOnlyProxy(raw, isProxyUrl);
    node.value = value;
  }
  let keep = true;
  csstree.walk(node.value, (child: csstree.CssNode) => {
    if (!keep) return;
    if (child.type === "Url") {
      const target = pass.urls.proxy(child.value, property === "src" ? "font" : "css-asset");
      if (target === undefined) keep = false;
      else child.value = target;
    } else if (child.type === "Function") {
      const name = child.name.toLowerCase();
      if (imageSetFunctions.has(name)) keep = proxyImageSet(child, pass.urls);
      else if (!nonFetchingFunctions.has(name) && name !== "type") keep = false;
    } else if (child.type === "Identifier" && child.name.includes("\\")) keep = false;
  });
  return keep && (!pass.proveEach || fetchesOnlyProxy(csstree.generate(node.value), isProxyUrl));
}

/**
 * Rewrites an image-set()'s URL strings to the proxy. False when one cannot be, or when a var()
 * inside could stand for a URL the sanitizer never sees (`image-set(var(--u))`).
 */
function proxyImageSet(fn: csstree.FunctionNode, urls: CssUrls): boolean {
  if (csstree.find(fn, (n) => n.type === "Function" && n.name.toLowerCase() === "var")) return false;
  let keep = true;
  fn.children.forEach((arg) => {
    if (arg.type !== "String") return;
    const target = urls.proxy(arg.value, "css-asset");
    if (target === undefined) keep = false;
    else arg.value = target;
  });
  return keep;
}
