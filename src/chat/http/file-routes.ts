import type { ParameterizedContext } from "koa";
import { z } from "zod";
import { AirlockError } from "../../errors.js";
import type { RequestState } from "../../http/context.js";
import { defineRoute, pathParam } from "../../http/route.js";
import { parseQuery } from "../../http/query.js";
import { principalFromState } from "../../policy/principal.js";
import { isAttachmentType } from "../files/file-types.js";
import type { StoredFile } from "../files/file-store.js";
import { extensionOf } from "../files/sniff.js";

const fileId = z.string().uuid("a file id");
const linkQuery = z.strictObject({ e: z.string().regex(/^\d{1,15}$/).transform(Number), t: z.string().regex(/^[A-Za-z0-9_-]{43}$/) });

/**
 * Serves an attachment so that no browser ever renders or runs it: always a download
 * (Content-Disposition: attachment, RFC 6266 name), the sniffed type with nosniff, and a CSP
 * that sandboxes the response should it ever be opened as a document anyway.
 */
function serveFile(ctx: ParameterizedContext<RequestState>, file: StoredFile, bytes: Uint8Array): void {
  const type = isAttachmentType(file.type) ? file.type : "application/octet-stream";
  ctx.set("Content-Type", type);
  ctx.set("Content-Disposition", contentDisposition(file.name, isAttachmentType(file.type) ? extensionOf(file.type) : "bin"));
  ctx.set("X-Content-Type-Options", "nosniff");
  ctx.set("Content-Security-Policy", "default-src 'none'; sandbox; frame-ancestors 'none'");
  ctx.set("Cross-Origin-Resource-Policy", "same-origin");
  ctx.set("Cache-Control", "no-store");
  ctx.body = Buffer.from(bytes);
}

/** `attachment` with an ASCII fallback name and the UTF-8 name (RFC 6266 / 8187); the extension is the sniffed type's. */
export function contentDisposition(name: string, ext: string): string {
  const base = name.replace(/\.[A-Za-z0-9]{1,8}$/, "").replace(/[\p{Cc}\p{Cf}/\\]/gu, "").trim().slice(0, 120) || "file";
  const full = `${base}.${ext}`;
  const ascii = full.replace(/[^A-Za-z0-9._ -]/g, "_");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(full)}`;
}

/** GET /api/v1/chat/files/:id: an agent who takes part in the file's conversation downloads it. */
export const agentDownload = defineRoute({
  method: "GET",
  path: "/api/v1/chat/files/:id",
  access: { action: "chat:handle" },
  handler: async (ctx, { chat }) => {
    const parsed = fileId.safeParse(pathParam(ctx, "id"));
    if (!parsed.success) throw new AirlockError("not_found", "no such file");
    const principal = principalFromState(ctx.state);
    const files = chat.files;
    if (!principal) throw new AirlockError("not_found", "no such file");
    const { file, bytes } = await files.read(undefined, parsed.data);
    // Someone who does not take part learns nothing, not even that the file exists.
    await chat.service.mustTakePart({ kind: "agent", agentId: principal.subject }, file.conversationId).catch(() => {
      throw new AirlockError("not_found", "no such file");
    });
    serveFile(ctx, file, bytes);
  },
});

/** GET /v1/chat-files/:id?e=&t=: the visitor's short-lived download address (asked for over the visitor socket). */
export const visitorDownload = defineRoute({
  method: "GET",
  path: "/v1/chat-files/:id",
  access: { public: true },
  handler: async (ctx, { chat }) => {
    const parsed = fileId.safeParse(pathParam(ctx, "id"));
    const files = chat.files;
    if (!parsed.success) throw new AirlockError("not_found", "no such file, or the link has expired");
    const q = parseQuery(ctx.querystring, linkQuery);
    const { file, bytes } = await files.readByLink(parsed.data, q.e, q.t);
    serveFile(ctx, file, bytes);
  },
});
