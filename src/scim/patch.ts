import { invalidPath, invalidSyntax, invalidValue, ScimError } from "./errors.js";
import type { AttributeDef, ResourceSchema } from "./filter/attributes.js";
import { matches } from "./filter/evaluate.js";
import { parseFilter, type Filter } from "./filter/parse.js";
import { resolvePath } from "./filter/path.js";

// PATCH (RFC 7644 §3.5.2) applied to a resource's JSON form; the result is then validated exactly
// like a PUT body, so PATCH can never store what PUT would refuse. Accepts the forms Entra ID and
// Okta send: capitalised ops ("Replace"), a path-less value object ({"active": false}), "True" and
// "False" as strings, `emails[type eq "work"].value`, and member removal by value list.

export const MAX_PATCH_OPERATIONS = 1000;

export interface PatchOperation {
  readonly op: string;
  readonly path?: string | undefined;
  readonly value?: unknown;
}

type Json = Record<string, unknown>;

interface Target {
  readonly attr: AttributeDef;
  readonly sub: AttributeDef | undefined;
  /** `attr[filter]`: only the elements the filter selects. */
  readonly filter: Filter | undefined;
}

function isRecord(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Parses `attr`, `attr.sub`, `attr[filter]` or `attr[filter].sub`; undefined for an attribute Airlock drops. */
function parseTarget(schema: ResourceSchema, path: string): Target | undefined {
  if (path.length > 500) throw invalidPath("the PATCH path is too long");
  const open = path.indexOf("[");
  if (open < 0) {
    const resolved = resolvePath(schema, path);
    if (!resolved) throw invalidPath("the PATCH path is not an attribute path");
    if (resolved.kind === "ignored") return undefined;
    if (resolved.kind === "unknown") throw invalidPath(`the PATCH path names an attribute ${schema.resource} resources do not have`);
    return { attr: resolved.attr, sub: resolved.sub, filter: undefined };
  }
  const close = path.lastIndexOf("]");
  if (close < open) throw invalidPath("the PATCH path has an unclosed value filter");
  const resolved = resolvePath(schema, path.slice(0, open));
  if (!resolved) throw invalidPath("the PATCH path is not an attribute path");
  if (resolved.kind === "ignored") return undefined;
  if (resolved.kind === "unknown" || resolved.sub || !resolved.attr.multiValued) throw invalidPath("a value filter in a PATCH path needs a multi-valued attribute");
  const attr = resolved.attr;
  const filter = parseFilter(`${path.slice(0, open)}[${path.slice(open + 1, close)}]`, schema);
  const rest = path.slice(close + 1);
  let sub: AttributeDef | undefined;
  if (rest) {
    if (!rest.startsWith(".")) throw invalidPath("the PATCH path has text after its value filter");
    sub = attr.subAttributes?.find((a) => a.name.toLowerCase() === rest.slice(1).toLowerCase());
    if (!sub) throw invalidPath(`the PATCH path names a sub-attribute ${attr.name} does not have`);
  }
  return { attr, sub, filter };
}

/** Entra ID sends booleans as "True"/"False" strings. */
function coerce(def: AttributeDef, value: unknown): unknown {
  if (def.type === "boolean" && typeof value === "string") {
    if (/^true$/i.test(value)) return true;
    if (/^false$/i.test(value)) return false;
  }
  return value;
}

function elementSelected(target: Target, element: unknown): boolean {
  if (!target.filter || !isRecord(element)) return target.filter === undefined;
  return matches(target.filter, { [target.attr.name]: [element] });
}

/** A new element for `add` to a filtered path nobody matched: the filter's equalities plus the value (Entra's emails[type eq "work"].value). */
function elementFromFilter(filter: Filter): Json {
  const out: Json = {};
  const walk = (f: Filter) => {
    if (f.op === "has") walk(f.filter);
    else if (f.op === "and") {
      walk(f.left);
      walk(f.right);
    } else if (f.op === "eq" && f.path.sub) out[f.path.sub.name] = f.value;
  };
  walk(filter);
  return out;
}

function applyOne(resource: Json, schema: ResourceSchema, op: "add" | "replace" | "remove", target: Target, rawValue: unknown): void {
  const { attr, sub } = target;
  if (attr.readOnly) throw new ScimError(400, `${attr.name} is read-only`, "mutability");
  if (attr.multiValued) {
    const current = Array.isArray(resource[attr.name]) ? (resource[attr.name] as unknown[]) : [];
    if (target.filter) {
      const selected = current.filter((e) => elementSelected(target, e));
      if (op === "remove") {
        resource[attr.name] = sub ? current.map((e) => (selected.includes(e) && isRecord(e) ? withoutKey(e, sub.name) : e)) : current.filter((e) => !selected.includes(e));
        return;
      }
      if (selected.length === 0) {
        if (!sub) throw new ScimError(400, "no element matches the PATCH path's value filter", "noTarget");
        resource[attr.name] = [...current, { ...elementFromFilter(target.filter), [sub.name]: coerce(sub, rawValue) }];
        return;
      }
      resource[attr.name] = current.map((e) => {
        if (!selected.includes(e) || !isRecord(e)) return e;
        if (sub) return { ...e, [sub.name]: coerce(sub, rawValue) };
        if (!isRecord(rawValue)) throw invalidValue(`a value for ${attr.name} must be an object`);
        return op === "add" ? { ...e, ...rawValue } : rawValue;
      });
      return;
    }
    if (sub) throw invalidPath(`name an element of ${attr.name} with a value filter, e.g. ${attr.name}[type eq "work"].${sub.name}`);
    const values: unknown[] = rawValue === undefined ? [] : Array.isArray(rawValue) ? (rawValue as unknown[]) : [rawValue];
    if (op === "remove") {
      // Entra ID removes members by listing them as the value.
      if (values.length === 0) resource[attr.name] = [];
      else {
        const gone = new Set<unknown>(values.map((v) => (isRecord(v) ? v.value : v)));
        resource[attr.name] = current.filter((e) => !(isRecord(e) && gone.has(e.value)));
      }
      return;
    }
    if (op === "replace") {
      resource[attr.name] = values;
      return;
    }
    const known = new Set(current.map((e) => (isRecord(e) ? e.value : undefined)).filter((v) => v !== undefined));
    resource[attr.name] = [...current, ...values.filter((v) => !(isRecord(v) && v.value !== undefined && known.has(v.value)))];
    return;
  }
  if (sub) {
    const parent = isRecord(resource[attr.name]) ? (resource[attr.name] as Json) : {};
    resource[attr.name] = op === "remove" ? withoutKey(parent, sub.name) : { ...parent, [sub.name]: coerce(sub, rawValue) };
    return;
  }
  if (op === "remove") {
    if (attr.name === "userName" || attr.name === "displayName" && schema.resource === "Group") throw new ScimError(400, `${attr.name} is required and cannot be removed`, "mutability");
    delete resource[attr.name];
    return;
  }
  if (attr.type === "complex" && op === "add" && isRecord(rawValue) && isRecord(resource[attr.name])) resource[attr.name] = { ...(resource[attr.name] as Json), ...rawValue };
  else resource[attr.name] = coerce(attr, rawValue);
}

function withoutKey(o: Json, key: string): Json {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

/** Applies the operations in order to a copy of `resource` and returns it (not yet validated). */
export function applyPatch(schema: ResourceSchema, resource: Json, operations: readonly PatchOperation[]): Json {
  if (operations.length === 0) throw invalidSyntax("a PATCH needs at least one operation");
  if (operations.length > MAX_PATCH_OPERATIONS) throw new ScimError(400, `a PATCH may have at most ${MAX_PATCH_OPERATIONS} operations`, "tooMany");
  const out: Json = structuredClone(resource);
  for (const operation of operations) {
    const op = operation.op.toLowerCase();
    if (op !== "add" && op !== "replace" && op !== "remove") throw invalidSyntax('a PATCH operation is "add", "replace" or "remove"');
    if (operation.path === undefined || operation.path === "") {
      if (op === "remove") throw new ScimError(400, "a remove operation needs a path", "noTarget");
      if (!isRecord(operation.value)) throw invalidValue("a PATCH operation without a path needs an object as its value");
      for (const [key, value] of Object.entries(operation.value)) {
        // The enterprise extension arrives as one object under its URN (Airlock keeps none of it).
        if (key.toLowerCase().startsWith("urn:") && isRecord(value)) continue;
        const resolved = resolvePath(schema, key);
        if (!resolved || resolved.kind === "ignored" || (resolved.kind === "known" && resolved.attr.readOnly)) continue; // Okta repeats id in group replaces
        if (resolved.kind === "unknown") throw invalidPath(`the PATCH value names an attribute ${schema.resource} resources do not have`);
        applyOne(out, schema, op, { attr: resolved.attr, sub: resolved.sub, filter: undefined }, value);
      }
      continue;
    }
    const target = parseTarget(schema, operation.path);
    if (target) applyOne(out, schema, op, target, operation.value);
  }
  return out;
}
