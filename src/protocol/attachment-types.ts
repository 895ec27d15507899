// The catalogue of attachment types Airlock can accept at all. A type is named by the MIME type
// sniffed from the file's bytes; the policy (policies/attachments.yaml) picks from this list, so
// an active type (HTML, SVG, XML, script, executable) can never be allowed: it is not here.
// Browser-safe: the widget and the console read it to fill the file picker's `accept`, to check a
// file's type before sending it, and to name the type beside an attachment.

export const ATTACHMENT_TYPES = {
  "application/pdf": { ext: "pdf", label: "PDF document" },
  "image/png": { ext: "png", label: "PNG image" },
  "image/jpeg": { ext: "jpg", label: "JPEG image" },
  "image/gif": { ext: "gif", label: "GIF image" },
  "image/webp": { ext: "webp", label: "WebP image" },
  "text/plain": { ext: "txt", label: "plain text" },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { ext: "docx", label: "Word document" },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { ext: "xlsx", label: "Excel workbook" },
} as const;

export type AttachmentType = keyof typeof ATTACHMENT_TYPES;
export const ATTACHMENT_TYPE_NAMES = Object.keys(ATTACHMENT_TYPES) as AttachmentType[];

export function isAttachmentType(value: string): value is AttachmentType {
  return Object.hasOwn(ATTACHMENT_TYPES, value);
}
