// Rounding for printed figures; a leaf, so the figure table and the measurements that feed it
// can both use it without importing each other.

export function round(n: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
