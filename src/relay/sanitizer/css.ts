import * as csstree from "css-tree";
import type { AssetKind } from "./asset-url.js";
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

type ParseContext = "stylesheet" | "declarationList";

export function sanitizeStylesheet(css: string, proxy: CssUrlProxy, rules: CssRules): string {
  return sanitize(css, "stylesheet", proxy, rules);
}

/** For style attributes (a declaration list without braces). */
export function sanitizeDeclarations(css: string, proxy: CssUrlProxy, rules: CssRules): string {
  return sanitize(css, "declarationList", proxy, rules);
}

function sanitize(css: string, context: ParseContext, proxy: CssUrlProxy, rules: CssRules): string {
  if (css.trim() === "") return "";
  const ast = csstree.parse(css, {
    context,
    parseValue: true,
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
  if (property.includes("\\") || deniedProperties.has(property)) return false;
  if (!property.startsWith("--") && !rules.allowsProperty(property)) return false;
  if (node.value.type === "Raw") return !riskyRaw.test(node.value.value);
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
