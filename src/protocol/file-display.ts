import { ATTACHMENT_TYPES, isAttachmentType } from "./attachment-types.js";

// How an attachment is named on screen, the same in the widget and the console. The name is the
// sender's and is never trusted: it is shown as text only, and characters that change how text
// around them reads (bidirectional overrides such as U+202E, which make "exe.pdf" look like
// "fdp.exe", zero-width and other control or format characters) are shown as a visible marker
// instead of acting. The type beside it is the one sniffed from the bytes. Browser-safe.

const LONGEST_SHOWN = 120;

/** The sender's file name, safe to read: no control or format character acts, and long names are shortened in the middle. */
export function displayFileName(name: string): string {
  const visible = name.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, "\uFFFD").trim() || "\uFFFD";
  const chars = [...visible];
  if (chars.length <= LONGEST_SHOWN) return visible;
  return `${chars.slice(0, LONGEST_SHOWN - 20).join("")}…${chars.slice(-19).join("")}`;
}

/** "PDF document", "PNG image": the sniffed type as people call it (English; the widget translates the few it shows). */
export function fileTypeLabel(type: string): string {
  return isAttachmentType(type) ? ATTACHMENT_TYPES[type].label : "file";
}

/** "820 bytes", "14 KB", "1.9 MB" in the reader's language (binary units, as the policy's limit is set: 2097152 bytes is "2 MB"). */
export function formatFileSize(bytes: number, lang = "en"): string {
  const n = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  if (bytes < 1024) return `${n.format(bytes)} ${lang.startsWith("de") ? "Byte" : "bytes"}`;
  if (bytes < 1024 * 1024) return `${n.format(Math.round(bytes / 1024))} KB`;
  return `${n.format(Math.round((bytes / (1024 * 1024)) * 10) / 10)} MB`;
}
