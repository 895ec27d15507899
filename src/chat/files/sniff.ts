import { ATTACHMENT_TYPES, isAttachmentType, type AttachmentType } from "./file-types.js";

/** Why a file's bytes are refused, for the refusal's message (never shown raw to people). */
export type SniffOutcome = { readonly ok: true; readonly type: AttachmentType } | { readonly ok: false; readonly detected: string };

/** Markup a browser would run or render if it ever sniffed a "text" file as a document. */
const ACTIVE_MARKUP = /<\s*(?:!doctype|html|head|body|script|iframe|svg|object|embed|meta|xml|\?xml|math|style|link|form|img|a\s)/i;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The type of a file, decided from its bytes alone (file-type reads the magic numbers and
 * container structure): the sender's file name and any type it claims are never consulted. A
 * file with no binary signature counts as plain text only if it is valid UTF-8 without NUL
 * bytes and without markup; HTML, SVG and XML are therefore refused even when named `.txt`.
 */
export async function sniffType(bytes: Uint8Array, allowed: readonly string[]): Promise<SniffOutcome> {
  // Loaded on first use: only servers that receive files pay for the detector.
  const { fileTypeFromBuffer } = await import("file-type");
  const found = await fileTypeFromBuffer(bytes);
  const type = found ? found.mime : plainTextOrUndefined(bytes);
  if (type === undefined) return { ok: false, detected: "unknown" };
  if (!isAttachmentType(type) || !allowed.includes(type)) return { ok: false, detected: type };
  return { ok: true, type };
}

function plainTextOrUndefined(bytes: Uint8Array): "text/plain" | undefined {
  if (bytes.includes(0)) return undefined;
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return undefined;
  }
  return ACTIVE_MARKUP.test(text) ? undefined : "text/plain";
}

/** The extension a download is named with: the sniffed type's, whatever the sender called the file. */
export function extensionOf(type: AttachmentType): string {
  return ATTACHMENT_TYPES[type].ext;
}
