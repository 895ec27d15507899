// How browser code (the visitor script, the widget, the console) reads frames from Airlock.
// They are produced by Airlock, yet read defensively without a schema library: anything that is
// not a JSON object with one of the expected kinds is ignored.

/** The frame in `data` when it is a JSON object whose `kind` is in `kinds`; otherwise undefined. */
export function readKnownFrame<T extends { readonly kind: string }>(data: unknown, kinds: ReadonlySet<string>): T | undefined {
  if (typeof data !== "string") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === "string" && kinds.has(kind) ? (value as T) : undefined;
}
