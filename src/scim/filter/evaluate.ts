import { leafOf, type CompareOp, type CompValue, type Filter, type FilterAttr } from "./parse.js";

/** A rendered SCIM resource (canonical attribute names, as the routes answer them). */
export type ScimResource = Readonly<Record<string, unknown>>;

/** Whether `resource` matches `filter` (RFC 7644 §3.4.2.2 semantics on multi-valued attributes: any value). */
export function matches(filter: Filter, resource: ScimResource): boolean {
  switch (filter.op) {
    case "and":
      return matches(filter.left, resource) && matches(filter.right, resource);
    case "or":
      return matches(filter.left, resource) || matches(filter.right, resource);
    case "not":
      return !matches(filter.filter, resource);
    case "has": {
      const items = resource[filter.attr.name];
      return Array.isArray(items) && items.some((item) => isRecord(item) && matches(filter.filter, item));
    }
    case "pr":
      return valuesOf(filter.path, resource).some((v) => v !== "" && v !== null && v !== undefined);
    default:
      return compare(filter.op, filter.path, valuesOf(filter.path, resource), filter.value);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Every value at `path`: one for a simple attribute, one per element of a multi-valued one. */
function valuesOf(path: FilterAttr, resource: ScimResource): unknown[] {
  // Inside a value filter, the resource is the element and the sub-attribute is read directly.
  if (path.sub && !(path.attr.name in resource) && path.sub.name in resource) return [resource[path.sub.name]];
  const top = resource[path.attr.name];
  if (!path.sub) return Array.isArray(top) ? top : [top];
  const sub = path.sub.name;
  if (Array.isArray(top)) return top.map((item) => (isRecord(item) ? item[sub] : undefined));
  return [isRecord(top) ? top[sub] : undefined];
}

function compare(op: CompareOp, path: FilterAttr, values: readonly unknown[], wanted: CompValue): boolean {
  const leaf = leafOf(path);
  const any = (test: (v: string | boolean) => boolean) => values.some((v) => (typeof v === "string" || typeof v === "boolean") && test(v));
  if (typeof wanted === "boolean") return op === "ne" ? !any((v) => v === wanted) : any((v) => v === wanted);
  const fold = (s: string) => (leaf.caseExact ? s : s.toLowerCase());
  const w = fold(wanted);
  const asText = (v: string | boolean) => (typeof v === "string" ? fold(v) : undefined);
  if (leaf.type === "dateTime") {
    const t = Date.parse(wanted);
    const at = (v: string | boolean) => (typeof v === "string" ? Date.parse(v) : Number.NaN);
    const ops: Record<string, (x: number) => boolean> = { eq: (x) => x === t, gt: (x) => x > t, ge: (x) => x >= t, lt: (x) => x < t, le: (x) => x <= t };
    if (op === "ne") return !any((v) => at(v) === t);
    const test = ops[op];
    return test ? any((v) => test(at(v))) : false;
  }
  switch (op) {
    case "eq":
      return any((v) => asText(v) === w);
    case "ne":
      return !any((v) => asText(v) === w);
    case "co":
      return any((v) => asText(v)?.includes(w) === true);
    case "sw":
      return any((v) => asText(v)?.startsWith(w) === true);
    case "ew":
      return any((v) => asText(v)?.endsWith(w) === true);
    case "gt":
      return any((v) => { const x = asText(v); return x !== undefined && x > w; });
    case "ge":
      return any((v) => { const x = asText(v); return x !== undefined && x >= w; });
    case "lt":
      return any((v) => { const x = asText(v); return x !== undefined && x < w; });
    case "le":
      return any((v) => { const x = asText(v); return x !== undefined && x <= w; });
  }
}

/**
 * A value the storage can narrow by before the filter runs: `attr eq "v"` at the top of the
 * filter or in a top-level `and`. The filter is still evaluated on every row it returns.
 */
export function equalityHint(filter: Filter, attribute: string): string | undefined {
  if (filter.op === "eq" && !filter.path.sub && filter.path.attr.name === attribute && typeof filter.value === "string") return filter.value;
  if (filter.op === "and") return equalityHint(filter.left, attribute) ?? equalityHint(filter.right, attribute);
  return undefined;
}
