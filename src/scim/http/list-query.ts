import type { ParameterizedContext } from "koa";
import type { RequestState } from "../../http/context.js";
import { invalidValue } from "../errors.js";
import type { ResourceSchema } from "../filter/attributes.js";
import type { ScimResource } from "../filter/evaluate.js";
import { parseFilter, type Filter } from "../filter/parse.js";
import { LIST_SCHEMA } from "./respond.js";

/** The most resources one page returns (ServiceProviderConfig `filter.maxResults`). */
export const MAX_PAGE = 200;

export interface ListQuery {
  readonly filter: Filter | undefined;
  readonly startIndex: number;
  readonly count: number;
  readonly attributes: readonly string[] | undefined;
  readonly excluded: readonly string[];
}

function single(ctx: ParameterizedContext<RequestState>, name: string): string | undefined {
  const v = ctx.query[name];
  if (Array.isArray(v)) throw invalidValue(`${name} is given more than once`);
  return v;
}

function integer(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === "") return undefined;
  if (!/^-?\d{1,9}$/.test(text)) throw invalidValue(`${name} must be an integer`);
  return Number(text);
}

const names = (text: string | undefined) => (text ? text.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean).slice(0, 50) : undefined);

/** Reads filter, startIndex, count, attributes and excludedAttributes (RFC 7644 §3.4.2). */
export function readListQuery(ctx: ParameterizedContext<RequestState>, schema: ResourceSchema): ListQuery {
  const filterText = single(ctx, "filter");
  return {
    filter: filterText !== undefined && filterText.trim() !== "" ? parseFilter(filterText, schema) : undefined,
    // Values below 1 are read as 1; a negative count as 0 (RFC 7644 §3.4.2.4).
    startIndex: Math.max(1, integer(single(ctx, "startIndex"), "startIndex") ?? 1),
    count: Math.min(MAX_PAGE, Math.max(0, integer(single(ctx, "count"), "count") ?? MAX_PAGE)),
    attributes: names(single(ctx, "attributes")),
    excluded: names(single(ctx, "excludedAttributes")) ?? [],
  };
}

const always = new Set(["id", "schemas", "meta"]);

/** Keeps the attributes asked for (by top-level name); id, schemas and meta always stay. */
export function project(resource: ScimResource, q: Pick<ListQuery, "attributes" | "excluded">): ScimResource {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    const k = key.toLowerCase();
    if (always.has(k)) out[key] = value;
    else if (q.attributes ? q.attributes.some((a) => a === k || a.startsWith(`${k}.`)) : !q.excluded.includes(k)) out[key] = value;
  }
  return out;
}

export function listResponse(all: readonly ScimResource[], q: ListQuery): Record<string, unknown> {
  const page = all.slice(q.startIndex - 1, q.startIndex - 1 + q.count).map((r) => project(r, q));
  return { schemas: [LIST_SCHEMA], totalResults: all.length, startIndex: q.startIndex, itemsPerPage: page.length, Resources: page };
}
