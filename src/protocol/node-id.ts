// Every element the visitor script serializes carries its stable numeric node id in this
// attribute. The server keeps it through sanitization so agents can address nodes; the visitor
// script strips any such attribute the page itself set, and the server drops malformed ones.
export const NODE_ID_ATTRIBUTE = "data-airlock-id";

/** The document itself (for scroll and focus events that do not target an element). */
export const DOCUMENT_NODE_ID = 0;

export function parseNodeId(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9][0-9]{0,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= 2_147_483_647 ? n : undefined;
}
