// Protocol versions this build speaks. A client offers the versions it knows in `hello`/`join`;
// both sides then use the highest version they share, or the connection ends with
// `unsupported_version`.
// v2 adds, without changing any v1 frame: named watchers in `state`, `remove-watcher`,
// `request-view`, `consent-cancel`, agents' `actions`, `retryAfterMs` and `ask_paused`
// (docs/protocol.md, "Changes in v2"). A v1 client ignores what it does not know.
export const PROTOCOL_VERSION = 2;
export const SUPPORTED_VERSIONS: readonly number[] = [1, 2];

/** The highest version both sides speak, or undefined when there is none. */
export function negotiateVersion(offered: readonly number[], supported: readonly number[] = SUPPORTED_VERSIONS): number | undefined {
  let best: number | undefined;
  for (const v of offered) if (supported.includes(v) && (best === undefined || v > best)) best = v;
  return best;
}
