import { z } from "zod";

// Query fields shared by the chat routes; every value is checked at the edge.
export const siteId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, "a site id");
export const visitorId = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, "a visitor id (16-64 characters of A-Z a-z 0-9 _ -)");
export const agentId = z.string().regex(/^[A-Za-z0-9._:-]{1,64}$/, "an agent id");
export const conversationId = z.string().uuid("a conversation id");
/** Epoch milliseconds or an ISO 8601 date-time with offset. */
export const time = z.union([z.string().regex(/^\d{1,15}$/).transform(Number), z.iso.datetime({ offset: true }).transform((v) => Date.parse(v))], {
  error: "epoch milliseconds or an ISO 8601 date-time such as 2026-01-31T09:00:00Z",
});
export const limit = z.string().regex(/^\d{1,4}$/).transform(Number).pipe(z.number().min(1).max(1000));
