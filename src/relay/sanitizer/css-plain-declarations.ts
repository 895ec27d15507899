// Style attributes on real pages are mostly plain declarations (`color: red; margin: 0 auto;
// background-color: rgb(1, 2, 3)`), and a full CSS parse was the costliest step of sanitizing
// such an element. This path takes only declarations built from characters and functions that
// cannot fetch, escape, comment or nest: letters, digits, whitespace, `-#%.,+`, parentheses of the
// functions below, and a trailing `!important`. Anything else (quotes, backslashes, `/`, `*`,
// `url(`, any other function, braces, `@`, `<`, `&`, custom properties, a `:` inside a value,
// unbalanced parentheses) goes to the full parser, which applies every rule. Properties pass the
// same check as in the full parser.

// CSS whitespace only (not every character \s matches).
const plainCharacters = /^[A-Za-z0-9 \t\n\r\f\-#%.,:;!()+]*$/;
const propertyName = /^-?[a-z][a-z0-9-]*$/;
const functionCall = /([A-Za-z-]*)\(/g;
const important = /\s*!\s*important$/i;
/** Functions that compute a colour, length or transform from their arguments and never name a resource. */
const safeFunctions: ReadonlySet<string> = new Set(["rgb", "rgba", "hsl", "hsla", "calc", "translate", "translatex", "translatey", "scale", "rotate"]);

/**
 * The sanitized declarations as `name:value` pairs joined by `;`, or undefined when `css` is not
 * plain and must go through the full parser. `keepProperty` is the full parser's property check.
 */
export function plainDeclarations(css: string, keepProperty: (name: string) => boolean): string | undefined {
  if (!plainCharacters.test(css)) return undefined;
  const out: string[] = [];
  for (const declaration of css.split(";")) {
    if (declaration.trim() === "") continue;
    const colon = declaration.indexOf(":");
    if (colon < 0) return undefined;
    const name = declaration.slice(0, colon).trim().toLowerCase();
    let value = declaration.slice(colon + 1).trim();
    if (!propertyName.test(name) || value === "" || value.includes(":")) return undefined;
    const priority = important.test(value) ? "!important" : "";
    if (priority) value = value.replace(important, "");
    if (value === "" || value.includes("!") || !plainValue(value)) return undefined;
    if (!keepProperty(name)) continue;
    out.push(`${name}:${normalize(value)}${priority}`);
  }
  return out.join(";");
}

function plainValue(value: string): boolean {
  for (const call of value.matchAll(functionCall)) if (!safeFunctions.has((call[1] ?? "").toLowerCase())) return false;
  let depth = 0;
  for (const ch of value) {
    if (ch === "(") depth++;
    else if (ch === ")" && --depth < 0) return false;
  }
  return depth === 0;
}

function normalize(value: string): string {
  return value.replace(/[ \t\n\r\f]+/g, " ").replace(/\s*,\s*/g, ",").replace(/\(\s+/g, "(").replace(/\s+\)/g, ")");
}
