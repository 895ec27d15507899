import { z } from "zod";
import { invalidSyntax, invalidValue, ScimError } from "./errors.js";

// What Airlock keeps of a SCIM User or Group, parsed at the edge from a POST/PUT body or a
// PATCHed resource. Attributes Airlock does not keep (title, phoneNumbers, the enterprise
// extension…) are dropped, never stored; values are bounded and free of control characters.

const text = (max: number) =>
  z
    .string()
    .max(max)
    // eslint-disable-next-line no-control-regex
    .regex(/^[^\u0000-\u001f\u007f]*$/, "control characters are not allowed");
const optionalText = (max: number) => text(max).nullish().transform((v) => (v === "" ? null : v ?? null));
/** Entra ID sends "True"/"False"; SCIM says booleans. Both are accepted. */
const flexibleBoolean = z.union([z.boolean(), z.string().regex(/^(true|false)$/i).transform((s) => s.toLowerCase() === "true")]);

export const MAX_EMAILS = 10;
export const MAX_MEMBERS_PER_REQUEST = 10_000;

export const userInput = z.object({
  userName: text(320).min(1),
  externalId: optionalText(255),
  displayName: optionalText(255),
  name: z
    .object({ givenName: optionalText(255), familyName: optionalText(255) })
    .nullish()
    .transform((n) => ({ givenName: n?.givenName ?? null, familyName: n?.familyName ?? null })),
  emails: z
    .array(z.object({ value: text(320).min(1), type: optionalText(32), primary: flexibleBoolean.nullish().transform((v) => v ?? null) }))
    .max(MAX_EMAILS)
    .nullish()
    .transform((e) => e ?? []),
  active: flexibleBoolean.nullish().transform((v) => v ?? true),
});
export type UserInput = z.output<typeof userInput>;

export const groupInput = z.object({
  displayName: text(255).min(1),
  externalId: optionalText(255),
  members: z
    .array(z.object({ value: text(64).min(1) }))
    .max(MAX_MEMBERS_PER_REQUEST)
    .nullish()
    .transform((m) => [...new Set((m ?? []).map((x) => x.value))]),
});
export type GroupInput = z.output<typeof groupInput>;

export const patchRequest = z.object({
  schemas: z.array(z.string()).optional(),
  Operations: z.array(z.object({ op: z.string().max(16), path: z.string().max(500).optional(), value: z.unknown().optional() })),
});

/** Parses a body with `schema`; a SCIM 400 naming the first problem's field (never its value). */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalidSyntax("the request body must be a JSON object");
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join(".") || "the body";
  if (issue?.code === "too_big" && issue.path.length === 1) throw new ScimError(400, `${field} has too many values or is too long`, "invalidValue");
  throw invalidValue(`${field} is missing or not valid: ${issue?.message ?? "invalid"}`);
}
