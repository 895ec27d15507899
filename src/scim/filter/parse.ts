import { invalidFilter } from "../errors.js";
import type { AttributeDef, ResourceSchema } from "./attributes.js";
import { resolvePath } from "./path.js";

// A recursive-descent parser for the filter grammar of RFC 7644 §3.4.2.2:
//   FILTER    = attrExp / logExp / valuePath / *1"not" "(" FILTER ")"
//   valuePath = attrPath "[" valFilter "]"
//   attrExp   = (attrPath SP "pr") / (attrPath SP compareOp SP compValue)
// with "not" binding tighter than "and", and "and" tighter than "or". Every attribute is resolved
// against the resource's schema and every comparison is type-checked here, so evaluation cannot
// meet a surprise. Bounded: length, nesting depth and number of expressions.

export const FILTER_LIMITS = { maxLength: 2_000, maxDepth: 8, maxExpressions: 64 } as const;

export type CompareOp = "eq" | "ne" | "co" | "sw" | "ew" | "gt" | "lt" | "ge" | "le";
export type CompValue = string | boolean;

/** A resolved attribute: the top-level attribute and, inside it, the sub-attribute compared. */
export interface FilterAttr {
  readonly attr: AttributeDef;
  readonly sub: AttributeDef | undefined;
}

export type Filter =
  | { readonly op: "and" | "or"; readonly left: Filter; readonly right: Filter }
  | { readonly op: "not"; readonly filter: Filter }
  | { readonly op: "pr"; readonly path: FilterAttr }
  | { readonly op: CompareOp; readonly path: FilterAttr; readonly value: CompValue }
  /** `emails[type eq "work"]`: some element of the multi-valued attribute matches `filter`. */
  | { readonly op: "has"; readonly attr: AttributeDef; readonly filter: Filter };

const COMPARE_OPS: ReadonlySet<string> = new Set(["eq", "ne", "co", "sw", "ew", "gt", "lt", "ge", "le"]);

type Token =
  | { readonly t: "(" | ")" | "[" | "]"; readonly at: number }
  | { readonly t: "word"; readonly text: string; readonly at: number }
  | { readonly t: "string"; readonly value: string; readonly at: number }
  | { readonly t: "number"; readonly at: number };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      i++;
    } else if (c === "(" || c === ")" || c === "[" || c === "]") {
      tokens.push({ t: c, at: i });
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      if (j >= text.length) throw invalidFilter("a string in the filter is not closed");
      let value: unknown;
      try {
        value = JSON.parse(text.slice(i, j + 1));
      } catch {
        throw invalidFilter("a string in the filter is not a valid JSON string");
      }
      tokens.push({ t: "string", value: String(value), at: i });
      i = j + 1;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?([eE][-+]?\d+)?/.exec(text.slice(i));
      if (!m) throw invalidFilter("the filter has a malformed number");
      tokens.push({ t: "number", at: i });
      i += m[0].length;
    } else if (/[A-Za-z$]/.test(c)) {
      const m = /^[A-Za-z0-9$_:.-]+/.exec(text.slice(i)) as RegExpExecArray;
      tokens.push({ t: "word", text: m[0], at: i });
      i += m[0].length;
    } else {
      throw invalidFilter("the filter contains a character the SCIM filter grammar does not allow");
    }
  }
  return tokens;
}

class Parser {
  #pos = 0;
  #expressions = 0;

  constructor(
    private readonly tokens: readonly Token[],
    private readonly schema: ResourceSchema,
  ) {}

  parse(): Filter {
    if (this.tokens.length === 0) throw invalidFilter("the filter is empty");
    const filter = this.#or(0, undefined);
    if (this.#pos < this.tokens.length) throw invalidFilter("the filter has unexpected text after a complete expression");
    return filter;
  }

  #peek(): Token | undefined {
    return this.tokens[this.#pos];
  }

  #keyword(word: string): boolean {
    const t = this.#peek();
    if (t?.t === "word" && t.text.toLowerCase() === word) {
      this.#pos++;
      return true;
    }
    return false;
  }

  #expect(t: "(" | ")" | "[" | "]"): void {
    if (this.#peek()?.t !== t) throw invalidFilter(`the filter is missing a "${t}"`);
    this.#pos++;
  }

  #count(): void {
    if (++this.#expressions > FILTER_LIMITS.maxExpressions) throw invalidFilter(`the filter has more than ${FILTER_LIMITS.maxExpressions} expressions`);
  }

  // `within` is the multi-valued attribute of an enclosing valuePath: its sub-attributes are named bare.
  #or(depth: number, within: AttributeDef | undefined): Filter {
    let left = this.#and(depth, within);
    while (this.#keyword("or")) {
      this.#count();
      left = { op: "or", left, right: this.#and(depth, within) };
    }
    return left;
  }

  #and(depth: number, within: AttributeDef | undefined): Filter {
    let left = this.#unary(depth, within);
    while (this.#keyword("and")) {
      this.#count();
      left = { op: "and", left, right: this.#unary(depth, within) };
    }
    return left;
  }

  #unary(depth: number, within: AttributeDef | undefined): Filter {
    if (depth > FILTER_LIMITS.maxDepth) throw invalidFilter(`the filter is nested deeper than ${FILTER_LIMITS.maxDepth} levels`);
    if (this.#keyword("not")) {
      this.#count();
      return { op: "not", filter: this.#group(depth + 1, within) };
    }
    if (this.#peek()?.t === "(") return this.#group(depth + 1, within);
    return this.#attrExp(depth, within);
  }

  #group(depth: number, within: AttributeDef | undefined): Filter {
    if (depth > FILTER_LIMITS.maxDepth) throw invalidFilter(`the filter is nested deeper than ${FILTER_LIMITS.maxDepth} levels`);
    this.#expect("(");
    const inner = this.#or(depth, within);
    this.#expect(")");
    return inner;
  }

  #attrExp(depth: number, within: AttributeDef | undefined): Filter {
    const t = this.#peek();
    if (t?.t !== "word") throw invalidFilter("the filter expects an attribute name");
    this.#pos++;
    this.#count();
    if (this.#peek()?.t === "[") {
      if (within) throw invalidFilter("the filter nests one value filter inside another");
      const resolved = resolvePath(this.schema, t.text);
      if (resolved?.kind !== "known" || resolved.sub || !resolved.attr.multiValued || resolved.attr.type !== "complex") {
        throw invalidFilter(`"[...]" applies only to a multi-valued attribute such as emails or members`);
      }
      this.#pos++;
      const inner = this.#or(depth + 1, resolved.attr);
      this.#expect("]");
      return { op: "has", attr: resolved.attr, filter: inner };
    }
    const path = this.#resolve(t.text, within);
    const opToken = this.#peek();
    if (opToken?.t !== "word") throw invalidFilter("the filter expects an operator after the attribute");
    const op = opToken.text.toLowerCase();
    this.#pos++;
    if (op === "pr") return { op: "pr", path };
    if (!COMPARE_OPS.has(op)) throw invalidFilter("the filter uses an operator SCIM does not define");
    const value = this.#value();
    return { op: op as CompareOp, path, value: checkComparison(op as CompareOp, path, value) };
  }

  #value(): CompValue | null | number {
    const t = this.#peek();
    this.#pos++;
    if (t?.t === "string") return t.value;
    if (t?.t === "number") return 0;
    if (t?.t === "word") {
      const w = t.text.toLowerCase();
      if (w === "true") return true;
      if (w === "false") return false;
      if (w === "null") return null;
    }
    throw invalidFilter("the filter expects a value (a quoted string, true, false, null or a number) after the operator");
  }

  #resolve(text: string, within: AttributeDef | undefined): FilterAttr {
    if (within) {
      const sub = within.subAttributes?.find((a) => a.name.toLowerCase() === text.toLowerCase());
      if (!sub) throw invalidFilter(`the filter names an attribute that ${within.name} does not have`);
      return { attr: within, sub };
    }
    const resolved = resolvePath(this.schema, text);
    if (!resolved) throw invalidFilter("the filter names an attribute in a form SCIM does not allow");
    if (resolved.kind !== "known") throw invalidFilter(`the filter names an attribute that Airlock's ${this.schema.resource} resources do not support`);
    const { attr, sub } = resolved;
    // A multi-valued complex attribute named bare compares its "value" sub-attribute.
    if (!sub && attr.type === "complex") {
      const value = attr.subAttributes?.find((a) => a.name === "value");
      return { attr, sub: value };
    }
    return { attr, sub };
  }
}

/** The leaf definition a comparison is about. */
export function leafOf(path: FilterAttr): AttributeDef {
  return path.sub ?? path.attr;
}

function checkComparison(op: CompareOp, path: FilterAttr, value: CompValue | null | number): CompValue {
  const leaf = leafOf(path);
  if (leaf.type === "complex") throw invalidFilter(`${path.attr.name} can only be tested with "pr" or a value filter`);
  if (value === null) throw invalidFilter('comparing with null is not supported; use "pr" or "not (... pr)"');
  if (typeof value === "number") throw invalidFilter("the filter compares with a number, but no supported attribute is numeric");
  if (leaf.type === "boolean") {
    if (typeof value !== "boolean") throw invalidFilter(`${leaf.name} is true or false`);
    if (op !== "eq" && op !== "ne") throw invalidFilter(`${leaf.name} is a boolean: only eq, ne and pr apply`);
    return value;
  }
  if (typeof value !== "string") throw invalidFilter(`${leaf.name} is compared with a quoted string`);
  if (leaf.type === "dateTime") {
    if (op === "co" || op === "sw" || op === "ew") throw invalidFilter(`${leaf.name} is a date: only eq, ne, gt, ge, lt, le and pr apply`);
    if (Number.isNaN(Date.parse(value))) throw invalidFilter(`${leaf.name} is compared with an RFC 3339 date-time`);
  }
  return value;
}

/** Parses `text` against `schema`; throws a ScimError (400 invalidFilter) for anything unsupported. */
export function parseFilter(text: string, schema: ResourceSchema): Filter {
  if (text.length > FILTER_LIMITS.maxLength) throw invalidFilter(`the filter is longer than ${FILTER_LIMITS.maxLength} characters`);
  return new Parser(tokenize(text), schema).parse();
}
