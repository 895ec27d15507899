/** The `kind` of a wire frame as it was sent (JSON text); "" when it has none. */
export function kindOf(frame: string): string {
  const parsed: unknown = JSON.parse(frame);
  const kind: unknown = typeof parsed === "object" && parsed !== null ? (parsed as { kind?: unknown }).kind : undefined;
  return typeof kind === "string" ? kind : "";
}

/** A frame field the test expects to be a string; anything else fails the test, naming what it got. */
export function expectString(value: unknown): string {
  if (typeof value !== "string") throw new Error(`expected a string, got ${value === null ? "null" : typeof value}`);
  return value;
}
