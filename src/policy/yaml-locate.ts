import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";

export type FieldPath = readonly PropertyKey[];

export function fieldName(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else out += out === "" ? String(seg) : `.${String(seg)}`;
  }
  return out === "" ? "(root)" : out;
}

/**
 * Line and column of the YAML node at `path` (or of the deepest ancestor that exists, for a
 * missing field). With `key`, points at that key inside the mapping (for unknown keys).
 */
export function locate(doc: Document, lines: LineCounter, path: FieldPath, key?: string): { line: number; column: number } {
  let node: Node | null | undefined = doc.contents;
  let at: Node | null | undefined = node;
  for (const seg of path) {
    const next = child(node, seg);
    if (!next) break;
    at = next.key ?? next.value ?? at;
    node = next.value;
    if (node) at = node;
  }
  if (key !== undefined) {
    const pair = child(node, key);
    if (pair?.key) at = pair.key;
  }
  const offset = at?.range?.[0] ?? 0;
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

function child(node: Node | null | undefined, seg: PropertyKey): { key: Node | null; value: Node | null } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
    if (!pair) return undefined;
    return { key: isScalar(pair.key) ? pair.key : null, value: (pair.value as Node | null) ?? null };
  }
  if (isSeq(node) && typeof seg === "number") {
    const item = node.items[seg] as Node | undefined;
    return item ? { key: null, value: item } : undefined;
  }
  return undefined;
}
