/**
 * Wait before the next attempt after `failures` failed ones: initial × 2^(failures-1), capped,
 * with "equal jitter" (half fixed, half random) so many deliveries failing together (an endpoint
 * down) do not all come back at the same moment, and none comes back at once.
 */
export function backoffMs(failures: number, initialMs: number, maxMs: number, random: () => number): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.max(0, Math.min(failures - 1, 30)));
  return Math.round(base / 2 + random() * (base / 2));
}
