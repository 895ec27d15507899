import { ENTERPRISE_USER_URN, findAttribute, type AttributeDef, type ResourceSchema } from "./attributes.js";

/** An attribute path resolved against a resource schema (RFC 7644 §3.10 `attrPath`). */
export type ResolvedPath =
  | { readonly kind: "known"; readonly attr: AttributeDef; readonly sub: AttributeDef | undefined }
  /** A standard attribute Airlock does not keep (PATCH accepts and drops it). */
  | { readonly kind: "ignored" }
  | { readonly kind: "unknown" };

const NAME = /^[A-Za-z$][A-Za-z0-9_$-]*$/;

/** Resolves `[URN:]attr[.sub]`; `undefined` when the text is not an attribute path at all. */
export function resolvePath(schema: ResourceSchema, text: string): ResolvedPath | undefined {
  let rest = text;
  let extension = false;
  const colon = text.lastIndexOf(":");
  if (colon >= 0) {
    const urn = text.slice(0, colon).toLowerCase();
    rest = text.slice(colon + 1);
    if (urn === ENTERPRISE_USER_URN.toLowerCase() && schema.resource === "User") extension = true;
    else if (urn !== schema.schemaUrn.toLowerCase()) return { kind: "unknown" };
  }
  const parts = rest.split(".");
  if (parts.length > 2 || !parts.every((p) => NAME.test(p))) return undefined;
  const [top = "", subName] = parts;
  if (extension) return schema.ignoredAttributes.has(top.toLowerCase()) ? { kind: "ignored" } : { kind: "unknown" };
  const attr = findAttribute(schema.attributes, top);
  if (!attr) return schema.ignoredAttributes.has(top.toLowerCase()) ? { kind: "ignored" } : { kind: "unknown" };
  if (subName === undefined) return { kind: "known", attr, sub: undefined };
  const sub = findAttribute(attr.subAttributes, subName);
  if (sub) return { kind: "known", attr, sub };
  return schema.ignoredAttributes.has(`${attr.name}.${subName}`.toLowerCase()) ? { kind: "ignored" } : { kind: "unknown" };
}
