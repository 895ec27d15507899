/**
 * V8 keeps a substring of 13 or more characters as a slice that points at the string it was cut
 * from. The HTML parser's tag names and attribute values are such slices of the visitor's raw,
 * unsanitized HTML: keeping one in the room's shadow index would keep that whole input — masked
 * and `cobrowsing_nosync` parts included — in memory for as long as the session lives.
 */
const SLICE_MIN_LENGTH = 13;

/** `s` as a string of its own: concatenation flattens into a new string, and the slice drops the extra space. */
export function detached(s: string): string {
  return s.length < SLICE_MIN_LENGTH ? s : (" " + s).slice(1);
}
