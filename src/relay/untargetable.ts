import { Parser } from "htmlparser2";
import { NODE_ID_ATTRIBUTE, parseNodeId } from "../protocol/node-id.js";
import type { ShadowIndex } from "./shadow-index.js";

// Elements agents see but may never act on, found in sanitized HTML (well-formed, node ids
// already claimed by the room):
// - the visitor script's placeholders for `.cobrowsing_nosync` and masking-selector blocks
//   (`data-airlock-masked`: an empty box without the block's class, so the site's own selectors
//   no longer match it) — marked masked, with everything below them;
// - password and payment-card fields (`autocomplete="cc-*"`), the same rule as the visitor
//   script's — marked protected: their masked values still reach agents, control events do not
//   reach them.
// Only ever adds restrictions, so a page that hides these markers loses nothing but this check.

export const MASKED_PLACEHOLDER_ATTRIBUTE = "data-airlock-masked";

const markers = /data-airlock-masked|password|cc-/i;
const formFields: ReadonlySet<string> = new Set(["input", "textarea", "select"]);
const cardAutocomplete = /(^|\s)cc-/i;

/** A password or payment-card field, judged by its tag and attributes. */
export function isSecretField(tag: string, attribs: Readonly<Record<string, string | undefined>>): boolean {
  if (!formFields.has(tag)) return false;
  if (tag === "input" && (attribs.type ?? "").trim().toLowerCase() === "password") return true;
  return cardAutocomplete.test(attribs.autocomplete ?? "");
}

/** Marks the placeholders and secret fields of a sanitized snapshot or added subtree. */
export function markUntargetable(index: ShadowIndex, sanitizedHtml: string): void {
  if (!markers.test(sanitizedHtml)) return;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        const id = parseNodeId(attribs[NODE_ID_ATTRIBUTE]);
        if (id === undefined || !index.has(id)) return;
        if (Object.hasOwn(attribs, MASKED_PLACEHOLDER_ATTRIBUTE)) index.mask(id);
        else if (isSecretField(name, attribs)) index.protect(id);
      },
    },
    { lowerCaseTags: true, lowerCaseAttributeNames: true, decodeEntities: true },
  );
  parser.end(sanitizedHtml);
}

/** An attribute change that turns an element into a placeholder or a secret field. */
export function markUntargetableAttribute(index: ShadowIndex, id: number, name: string, value: string | null): void {
  const node = index.get(id);
  if (!node || value === null) return;
  if (name === MASKED_PLACEHOLDER_ATTRIBUTE) index.mask(id);
  else if ((name === "type" || name === "autocomplete") && isSecretField(node.tag, { [name]: value })) index.protect(id);
}
