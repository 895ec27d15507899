import { maskedValue } from "./value-masks.js";

// A <textarea>'s text is its value. sanitize-html emits it as escaped text with no hook to change
// it, so the sanitizer marks the textareas to mask with an attribute (which a page cannot set:
// it is removed from what the page sent) and masks their text after sanitize-html is done. In
// sanitize-html's output `<` only ever opens a tag (text, attribute values and CSS are escaped),
// so the output splits cleanly into tags and text. Inside SVG a textarea can hold elements; then
// only its text runs are masked and the elements stay, so the shadow index still matches.

export const TEXTAREA_MASK_ATTRIBUTE = "data-airlock-mask-text";
const marker = ` ${TEXTAREA_MASK_ATTRIBUTE}="1"`;

export function maskTextareaTexts(html: string): string {
  if (!html.includes(marker)) return html;
  const parts = html.split(/(<[^>]*>)/);
  /** For each open textarea, innermost last: whether its text is masked. */
  const open: boolean[] = [];
  let masking = 0;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] ?? "";
    if (i % 2 === 1) {
      if (/^<textarea[\s>]/.test(part)) {
        const marked = part.includes(marker);
        open.push(marked);
        if (marked) {
          masking++;
          parts[i] = part.replace(marker, "");
        }
      } else if (part === "</textarea>" && open.length > 0 && open.pop() === true) masking--;
    } else if (masking > 0 && part !== "") {
      parts[i] = maskedValue(part.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, "x"));
    }
  }
  return parts.join("");
}
