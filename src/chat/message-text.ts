import { AirlockError } from "../errors.js";

/** Longest chat message in characters (code points) after cleaning. */
export const MAX_MESSAGE_CHARS = 2_000;
/** Longest raw input accepted before cleaning, so cleaning itself is bounded. */
export const MAX_RAW_MESSAGE_CHARS = 8_000;

// C0/C1 controls except tab and newline; bidirectional overrides and isolates (they can make
// text read differently from what was typed: "Trojan Source"); BOM and other invisible format
// characters that serve no purpose in a chat line.
const disallowed = /(?![\t\n])\p{Cc}|[\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/gu;
const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/**
 * Chat messages are plain text: this is the server-side cleaning applied before storage and
 * delivery. Markup is not interpreted anywhere (clients render with textContent), so `<` stays
 * `<`; what is removed is what could deceive a reader or break a client: control and
 * direction-override characters, lone surrogates, runs of blank lines, surrounding space.
 */
export function cleanMessageText(raw: string): string {
  if (raw.length > MAX_RAW_MESSAGE_CHARS) throw new AirlockError("payload_too_large", `message longer than ${MAX_MESSAGE_CHARS} characters`);
  const text = raw
    .replace(/\r\n?/g, "\n")
    .replace(loneSurrogate, "\uFFFD")
    .replace(disallowed, "")
    .normalize("NFC")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (text.length === 0) throw new AirlockError("bad_request", "message is empty");
  if ([...text].length > MAX_MESSAGE_CHARS) throw new AirlockError("payload_too_large", `message longer than ${MAX_MESSAGE_CHARS} characters`);
  return text;
}
