import { z } from "zod";
import { ATTACHMENT_TYPE_NAMES } from "../../chat/files/file-types.js";
import { asvsRefs, policyVersion } from "./asvs.js";

/**
 * Chat attachments. Types are sniffed from the bytes and must be one of `types.allowed`, chosen
 * from a fixed catalogue of passive types (src/chat/files/file-types.ts): HTML, SVG and other
 * active types cannot be listed. Every file is scanned by clamd before anyone but its sender sees
 * it; there is no switch for that.
 */
export const attachmentsSchema = z.strictObject({
  version: policyVersion,
  /** Whether visitors and agents may send files at all (the widget and console offer it only then). */
  enabled: z.boolean(),
  limits: z.strictObject({
    /** Largest file in bytes, checked against the announced size before any byte is kept. */
    maxBytes: z.number().int().min(1).max(20 * 1024 * 1024),
    /** Files (clean or quarantined) one conversation may hold. */
    maxFilesPerConversation: z.number().int().min(1).max(1_000),
    asvs: asvsRefs,
  }),
  types: z.strictObject({
    allowed: z.array(z.enum(ATTACHMENT_TYPE_NAMES, { error: (i) => `not an attachment type Airlock can accept (active types such as HTML and SVG never are): ${String(i.input)}` })).min(1),
    asvs: asvsRefs,
  }),
});

export type AttachmentsPolicy = z.output<typeof attachmentsSchema>;
