import type { z } from "zod";
import { AirlockError } from "../errors.js";

/**
 * Parses a request's query string with a zod schema at the edge, like request bodies: a repeated,
 * unknown or malformed parameter is `bad_request` naming the parameter, never a crash.
 */
export function parseQuery<T>(querystring: string, schema: z.ZodType<T>): T {
  const params = new URLSearchParams(querystring);
  const raw: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    raw[key] = values.length === 1 ? (values[0] ?? "") : values;
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // `parameter` is the query parameter; `field` the place inside a structured one (JSON `context`).
  const issue = (path: readonly PropertyKey[], message: string) => {
    const [parameter = "(query)", ...rest] = path.map((p) => String(p).slice(0, 40));
    return rest.length ? { parameter, field: rest.join("."), message } : { parameter, message };
  };
  const issues = parsed.error.issues
    .slice(0, 10)
    .flatMap((i) => (i.code === "unrecognized_keys" ? i.keys.map((k) => issue([...i.path, k], i.path.length ? "unknown field" : "unknown parameter")) : [issue(i.path, i.message)]));
  throw new AirlockError("bad_request", `invalid query parameter: ${[...new Set(issues.map((i) => i.parameter))].join(", ")}`, { details: { issues } });
}
