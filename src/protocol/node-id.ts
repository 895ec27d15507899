// Every element the visitor script serializes carries its stable numeric node id in this
// attribute. The server keeps it through sanitization so agents can address nodes; the visitor
// script strips any such attribute the page itself set, and the server drops malformed ones.
export const NODE_ID_ATTRIBUTE = "data-airlock-id";

/**
 * The relay's mark on a link of the page copy: links reach agents without their href (no
 * destination), so the page's `:link` styles select this mark instead (the CSS sanitizer rewrites
 * them) and the viewer gives marked links the browser's default link look.
 */
export const LINK_MARK = "data-airlock-link";

/**
 * The viewer's mark on the element under the visitor's pointer and its ancestors: the page
 * copy's `:hover` selectors select it instead (the CSS sanitizer rewrites them), so the agent
 * sees the visitor's hover styles and never their own. Only the viewer sets it; the relay drops
 * it from what a page sends.
 */
export const HOVER_MARK = "data-airlock-hover";

/**
 * The viewer's marks for the visitor's focus: on the focused element, on it when the visitor's
 * browser shows a focus indicator there (keyboard focus), and on it and its ancestors. The page
 * copy's `:focus`, `:focus-visible` and `:focus-within` selectors select them instead (the CSS
 * sanitizer rewrites them), so the agent sees the visitor's focus styles, never their own. Only
 * the viewer sets them; the relay drops them from what a page sends.
 */
export const FOCUS_MARK = "data-airlock-focus";
export const FOCUS_VISIBLE_MARK = "data-airlock-focus-visible";
export const FOCUS_WITHIN_MARK = "data-airlock-focus-within";

/**
 * On the snapshot's root element: the visitor's page renders in quirks mode (empty value: it has
 * no doctype) or in limited quirks mode (`limited`: a Transitional or Frameset doctype).
 */
export const QUIRKS_MARK = "data-airlock-quirks";

/** The document itself (for scroll and focus events that do not target an element). */
export const DOCUMENT_NODE_ID = 0;

export function parseNodeId(value: string | undefined): number | undefined {
  if (value === undefined || !/^[1-9][0-9]{0,9}$/.test(value)) return undefined;
  const n = Number(value);
  return n <= 2_147_483_647 ? n : undefined;
}
