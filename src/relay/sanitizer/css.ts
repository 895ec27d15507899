import * as csstree from "css-tree";
import type { AssetKind } from "./asset-url.js";
import { plainDeclarations } from "./css-plain-declarations.js";
import type { CssRules } from "./css-rules.js";

// CSS sanitizer for <style> text, style attributes and proxied stylesheets, built on css-tree.
// Everything that can fetch (url(), image-set(), @import) is rewritten through `proxy` or
// dropped; script-era extensions (expression, behavior, -moz-binding) never pass; anything the
// parser could not structure (Raw values) is kept only when it cannot name a resource. Escaped
// names are refused rather than decoded: browsers decode CSS escapes, so `u\72 l(` is a url.
// Properties and at-rules must be on the policy's CSS allowlist (`CssRules`); the fixed deny
// lists below hold whatever a policy must never re-enable.

export type CssUrlProxy = (raw: string, kind: AssetKind) => string | undefined;

const deniedProperties: ReadonlySet<string> = new Set(["behavior", "-ms-behavior", "-moz-binding", "binding", "-o-link", "-o-link-source"]);
const deniedFunctions: ReadonlySet<string> = new Set([
  "expression", "src", "image", "cross-fade", "-webkit-cross-fade", "element", "-moz-element", "paint", "attr", "env",
]);
const imageSetFunctions: ReadonlySet<string> = new Set(["image-set", "-webkit-image-set"]);
const riskyRaw = /\\|url\s*\(|src\s*\(|image|expression|@import|javascript|attr\s*\(/i;

const mayNameResource = /[(\\]/;

type ParseContext = "stylesheet" | "declarationList";

/** A declaration value as structured nodes, or undefined when the parser cannot structure it. */
function parseValue(raw: string): csstree.Value | undefined {
  try {
    const value = csstree.parse(raw, { context: "value", positions: false });
    return value.type === "Value" ? value : undefined;
  } catch {
    return undefined;
  }
}

export function sanitizeStylesheet(css: string, proxy: CssUrlProxy, rules: CssRules): string {
  return sanitize(css, "stylesheet", proxy, rules);
}

/** For style attributes (a declaration list without braces). */
export function sanitizeDeclarations(css: string, proxy: CssUrlProxy, rules: CssRules): string {
  return plainDeclarations(css, (name) => keepProperty(name, rules)) ?? sanitize(css, "declarationList", proxy, rules);
}

/** A property (lower-case) may reach an agent: never a denied or escaped one, otherwise as the allowlist says. */
function keepProperty(property: string, rules: CssRules): boolean {
  if (property.includes("\\") || deniedProperties.has(property)) return false;
  return property.startsWith("--") || rules.allowsProperty(property);
}

function sanitize(css: string, context: ParseContext, proxy: CssUrlProxy, rules: CssRules): string {
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
      if (node.type === "Atrule" && !keepAtRule(node, proxy, rules)) {
        doomed.push({ item, list });
        return csstree.walk.skip;
      }
      // Selectors cannot fetch, but a prelude the parser left unstructured must not smuggle
      // block or at-rule syntax into the output.
      if (node.type === "Rule" && node.prelude.type === "Raw" && /[@{};]|url\s*\(/i.test(node.prelude.value)) {
        doomed.push({ item, list });
        return csstree.walk.skip;
      }
      if (node.type === "Declaration" && !keepDeclaration(node, proxy, rules)) {
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

function keepAtRule(node: csstree.Atrule, proxy: CssUrlProxy, rules: CssRules): boolean {
  const name = node.name.toLowerCase();
  if (name.includes("\\")) return false;
  if (name !== "import") return rules.allowsAtRule(name);
  let kept = false;
  let refused = false;
  csstree.walk(node.prelude ?? { type: "Raw", value: "" }, (child: csstree.CssNode) => {
    if (child.type === "Url" || child.type === "String") {
      const target = proxy(child.value, "style");
      if (target === undefined) refused = true;
      else {
        child.value = target;
        kept = true;
      }
    } else if (child.type === "Raw" || child.type === "Function") refused = true;
  });
  return kept && !refused;
}

function keepDeclaration(node: csstree.Declaration, proxy: CssUrlProxy, rules: CssRules): boolean {
  const property = node.property.toLowerCase();
  if (!keepProperty(property, rules)) return false;
  if (node.value.type === "Raw") {
    const raw = node.value.value;
    // Custom property values are never structured (they are token soup until var() uses them).
    if (property.startsWith("--")) return !riskyRaw.test(raw);
    // Without a parenthesis or an escape a value names no function, url() or resource: kept
    // as written. Most values on real pages are like this, and parsing them was the main cost.
    if (!mayNameResource.test(raw)) return true;
    const value = parseValue(raw);
    if (!value) return !riskyRaw.test(raw);
    node.value = value;
  }
  let keep = true;
  csstree.walk(node.value, (child: csstree.CssNode) => {
    if (!keep) return;
    if (child.type === "Url") {
      const target = proxy(child.value, property === "src" ? "font" : "css-asset");
      if (target === undefined) keep = false;
      else child.value = target;
    } else if (child.type === "Function") {
      const name = child.name.toLowerCase();
      if (name.includes("\\") || deniedFunctions.has(name) || name === "url") keep = false;
      else if (imageSetFunctions.has(name)) {
        child.children.forEach((arg) => {
          if (arg.type !== "String") return;
          const target = proxy(arg.value, "css-asset");
          if (target === undefined) keep = false;
          else arg.value = target;
        });
      }
    } else if (child.type === "Raw" && riskyRaw.test(child.value)) keep = false;
    else if (child.type === "Identifier" && child.name.includes("\\")) keep = false;
  });
  return keep;
}
