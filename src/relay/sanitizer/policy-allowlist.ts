import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import { z } from "zod";
import type { SanitizeAllowlist } from "./allowlist.js";

// Reads the allowlist part of policies/sanitize.yaml (sanitize-html option names) into the
// sanitizer's shape. The policy engine validates the whole file at start; this reader takes only
// the fields the sanitizer needs, so the CLI can run without a server.

const sanitizeFile = z.object({
  allowedTags: z.array(z.string().min(1)),
  allowedAttributes: z.record(z.string(), z.array(z.string().min(1))),
  css: z.object({ properties: z.array(z.string().min(1)), atRules: z.array(z.string().min(1)) }),
  linkedStylesheets: z.object({ enabled: z.boolean() }).optional(),
});

export function allowlistFromSanitizePolicy(value: unknown): SanitizeAllowlist {
  const parsed = sanitizeFile.parse(value);
  const { "*": global = [], ...perTag } = parsed.allowedAttributes;
  return {
    css: { properties: parsed.css.properties, atRules: parsed.css.atRules },
    linkedStylesheets: parsed.linkedStylesheets?.enabled === true,
    tags: parsed.allowedTags.map((t) => t.toLowerCase()),
    globalAttributes: global.map((a) => a.toLowerCase()),
    attributes: Object.fromEntries(Object.entries(perTag).map(([t, a]) => [t.toLowerCase(), a.map((x) => x.toLowerCase())])),
  };
}

/** The allowlist from `DIR/sanitize.yaml`. */
export function readAllowlist(policyDir: string): SanitizeAllowlist {
  const file = path.join(policyDir, "sanitize.yaml");
  return allowlistFromSanitizePolicy(parse(readFileSync(file, "utf8")));
}
