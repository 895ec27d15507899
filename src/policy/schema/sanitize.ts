import { z } from "zod";
import { asvsRefs, policyVersion } from "./asvs.js";

// Whatever the policy says, these never reach an agent: they run script, load documents, or
// change how the replica resolves URLs. The schema refuses a policy that lists them.
export const neverAllowedTags: ReadonlySet<string> = new Set([
  "script", "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "base", "meta", "link",
  "portal", "template", "foreignobject", "animate", "animatemotion", "animatetransform", "set", "handler",
  "listener", "math", "xmp", "plaintext", "noembed", "noframes",
]);
export const neverAllowedAttributes: ReadonlySet<string> = new Set(["srcdoc", "http-equiv", "is", "nonce", "xmlns:xlink"]);

const tagName = z
  .string()
  .regex(/^[a-zA-Z][a-zA-Z0-9-]*$/, "tag names are letters, digits and dashes")
  .refine((t) => !neverAllowedTags.has(t.toLowerCase()), { error: (i) => `tag can never be allowed: ${String(i.input)}` });

const attributeName = z
  .string()
  .regex(/^[a-zA-Z_:][a-zA-Z0-9_:.-]*\*?$/, "attribute names are letters, digits, _ : . - (a trailing * is a prefix match)")
  .refine((a) => !/^on/i.test(a), { error: (i) => `event-handler attributes can never be allowed: ${String(i.input)}` })
  .refine((a) => !neverAllowedAttributes.has(a.toLowerCase()), { error: (i) => `attribute can never be allowed: ${String(i.input)}` });

/** A field earlier policy files had that nothing ever read: refused with what replaced it. */
const retired = (field: string, instead: string) =>
  z.undefined({ error: () => `${field} is not a setting (it was never applied): ${instead}; remove it from sanitize.yaml` }).optional();

/**
 * The relay's allowlist, shaped for sanitize-html: `allowedTags` and `allowedAttributes` (the `*`
 * key holds attributes allowed on every tag). Style attributes and `<style>` text pass through the
 * CSS sanitizer with `css.properties` and `css.atRules`. Which attributes carry URLs (rewritten to
 * the asset proxy or dropped), the schemes kept (http and https) and the tags dropped with their
 * content are fixed in the relay (src/relay/sanitizer), not settings: a policy can only narrow
 * what passes, never widen what the relay treats as a URL or as script-capable.
 */
export const sanitizeSchema = z
  .strictObject({
    version: policyVersion,
    allowedTags: z.array(tagName).min(1),
    allowedAttributes: z.record(z.union([z.literal("*"), tagName]), z.array(attributeName)),
    urlAttributes: retired("urlAttributes", "the relay rewrites a fixed list of URL attributes to the asset proxy"),
    allowedSchemes: retired("allowedSchemes", "the relay keeps http and https URLs only, through the asset proxy"),
    droppedWithContent: retired("droppedWithContent", "the relay drops a fixed list of script-capable tags with their content"),
    /**
     * `<link rel="stylesheet">` as a link to the asset proxy (whose answer goes through the CSS
     * sanitizer): exactly that one link type, only href, rel, media and type. `link` itself stays
     * out of allowedTags, so no other link type (preload, prefetch, import, manifest…) can pass.
     */
    linkedStylesheets: z.strictObject({ enabled: z.boolean() }).optional(),
    css: z.strictObject({
      properties: z.array(z.string().regex(/^-?[a-z][a-z0-9-]*$/, "CSS property names are lowercase with dashes")).min(1),
      atRules: z.array(z.enum(["media", "supports", "font-face", "keyframes", "page", "layer", "container", "scope"])),
      asvs: asvsRefs,
    }),
    asvs: asvsRefs,
  })
  .superRefine((p, ctx) => {
    const allowed = new Set(p.allowedTags);
    for (const tag of Object.keys(p.allowedAttributes)) {
      if (tag !== "*" && !allowed.has(tag)) {
        ctx.addIssue({ code: "custom", path: ["allowedAttributes", tag], message: `attributes listed for a tag that is not in allowedTags: ${tag}` });
      }
    }
  });

export type SanitizePolicy = z.output<typeof sanitizeSchema>;
